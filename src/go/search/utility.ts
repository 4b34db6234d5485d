// KataGo's utility of a position for White: win/loss value plus a score term
//   utility = winLossUtilityFactor * (P(white win) - P(white loss)) + noResultUtilityForWhite * P(no result)
//           + staticScoreUtilityFactor  * E[scoreValue(score; centre 0, scale 2)]
//           + dynamicScoreUtilityFactor * E[scoreValue(score; centre = recent score, scale dynamicScoreCenterScale)]
// with scoreValue(s) = 2/pi * atan((s - centre) / (scale * sqrt(board area))) and the expectation over a
// normal distribution of the final score (mean and stdev from the network's selfplay score outputs).
// KataGo tabulates the expectation; here it is integrated numerically (Gauss-Hermite, 32 nodes).
import type { SearchParams } from './params.js';

/** Nodes and weights of 32-point Gauss-Hermite quadrature for E[f(X)], X ~ N(0, 1) (probabilists'). */
const GH = (() => {
  // Golub-Welsch would need an eigen-solver; Newton iteration on the Hermite polynomials is enough here.
  const n = 32;
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    // Physicists' Hermite roots by Newton from the standard initial guesses (Numerical Recipes' gauher scheme).
    let z: number;
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z = nodes[0] - (1.14 * Math.pow(n, 0.426)) / nodes[0];
    else if (i === 2) z = 1.86 * nodes[1] - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * nodes[2] - 0.91 * nodes[1];
    else z = 2 * nodes[i - 1] - nodes[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = Math.pow(Math.PI, -0.25);
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) < 1e-14) break;
    }
    nodes.push(z);
    weights.push(2 / (pp * pp));
  }
  // Convert to N(0,1): x = sqrt(2) z, weight / sqrt(pi); use both signs.
  const xs: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < n / 2; i++) {
    for (const s of [1, -1]) {
      xs.push(s * Math.SQRT2 * nodes[i]);
      ws.push(weights[i] / Math.sqrt(Math.PI));
    }
  }
  return { xs: Float64Array.from(xs), ws: Float64Array.from(ws) };
})();

export function scoreValue(whiteScore: number, center: number, scale: number, sqrtBoardArea: number): number {
  return (2 / Math.PI) * Math.atan((whiteScore - center) / (scale * sqrtBoardArea));
}

/** E[scoreValue(S)] for S ~ N(mean, stdev^2). */
export function expectedScoreValue(mean: number, stdev: number, center: number, scale: number, sqrtBoardArea: number): number {
  if (!(stdev > 1e-9)) return scoreValue(mean, center, scale, sqrtBoardArea);
  let sum = 0;
  for (let i = 0; i < GH.xs.length; i++) sum += GH.ws[i] * scoreValue(mean + stdev * GH.xs[i], center, scale, sqrtBoardArea);
  return sum;
}

export function scoreStdev(scoreMean: number, scoreMeanSq: number): number {
  const v = scoreMeanSq - scoreMean * scoreMean;
  return v > 0 ? Math.sqrt(v) : 0;
}

export interface UtilityContext {
  params: SearchParams;
  /** sqrt(width * height) of the board searched. */
  sqrtBoardArea: number;
  /** White's score the dynamic score term is centred on (set at the start of each search). */
  recentScoreCenter: number;
}

export function scoreUtility(ctx: UtilityContext, scoreMean: number, scoreMeanSq: number): number {
  const sd = scoreStdev(scoreMean, scoreMeanSq);
  const p = ctx.params;
  const staticValue = p.staticScoreUtilityFactor === 0 ? 0 : expectedScoreValue(scoreMean, sd, 0, 2.0, ctx.sqrtBoardArea);
  const dynamicValue = p.dynamicScoreUtilityFactor === 0 ? 0 : expectedScoreValue(scoreMean, sd, ctx.recentScoreCenter, p.dynamicScoreCenterScale, ctx.sqrtBoardArea);
  return staticValue * p.staticScoreUtilityFactor + dynamicValue * p.dynamicScoreUtilityFactor;
}

export function resultUtility(ctx: UtilityContext, whiteWinLoss: number, noResult: number): number {
  return whiteWinLoss * ctx.params.winLossUtilityFactor + noResult * ctx.params.noResultUtilityForWhite;
}

/** The largest |utility|: winLoss + static + dynamic factors (virtual losses and FPU loss use it). */
export function utilityRadius(p: SearchParams): number {
  return p.winLossUtilityFactor + p.staticScoreUtilityFactor + p.dynamicScoreUtilityFactor;
}

/** KataGo's dynamic score centre: the expected score shrunk toward 0 by zeroWeight, at most sqrt(area)*scale away. */
export function dynamicScoreCenter(expectedWhiteScore: number, p: SearchParams, sqrtBoardArea: number): number {
  let c = expectedWhiteScore * (1 - p.dynamicScoreCenterZeroWeight);
  const cap = sqrtBoardArea * p.dynamicScoreCenterScale;
  if (c > expectedWhiteScore + cap) c = expectedWhiteScore + cap;
  if (c < expectedWhiteScore - cap) c = expectedWhiteScore - cap;
  return c;
}
