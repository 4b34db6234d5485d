// One analysis report line, in KataGo's kata-analyze or Leela Zero's lz-analyze format, read off a
// search tree. Values are from the perspective of the player to move at the root (KataGo's default
// reportAnalysisWinratesAs = SIDETOMOVE); the tree keeps them from White's point of view.
// kata-analyze fields per move, in KataGo's order: move visits edgeVisits utility winrate scoreMean
// (= the lead, as KataGo reports it) scoreStdev scoreLead scoreSelfplay prior lcb utilityLcb weight order
// pv [pvVisits] [pvEdgeVisits] [movesOwnership] [movesOwnershipStdev]; then [rootInfo ...], [ownership
// ...], [ownershipStdev ...]. Moves are ordered by play selection value (the move the search would
// play first); moves without visits appear only to reach `minmoves`, ordered by prior, with the root's
// values. lcb/utilityLcb: utility mean minus 5 (KataGo's lcbStdevs) standard errors of the mean, with
// a normal rather than KataGo's t-distribution quantile; below 3 visits the radius is the whole
// utility range, as KataGo does; lcb is KataGo's winrate hack (the utility radius scaled by the win/loss
// share of the utility, halved for the [0, 1] range).
import { PASS, WHITE, type Color, toGtpVertex } from '../board/coords.js';
import type { SearchNode } from '../search/node.js';
import type { SearchParams } from '../search/params.js';
import { playSelectionValues } from '../search/results.js';
import { type OwnershipRecorder, treeOwnership } from '../search/tree-ownership.js';
import type { AnalyzeArgs } from './analyze-args.js';

/** KataGo's analysisPVLen default: moves of PV after the move itself. */
export const ANALYSIS_PV_LEN = 13;
const LCB_STDEVS = 5;
const MIN_VISITS_FOR_LCB = 3;

/** Formats like C++ ostream's default, i.e. printf %g: 6 significant digits, no trailing zeros, e+NN exponents. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const strip = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  const [mantissa, e] = x.toExponential(5).split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return strip(x.toFixed(5 - exp));
}

interface Row {
  node: SearchNode | null;
  loc: number;
  prior: number;
}

function vertex(root: SearchNode, loc: number): string {
  return loc === PASS ? 'pass' : toGtpVertex(root.history.board.pointOf(loc), root.height);
}

/** The rows to report: visited moves by play selection value, then unvisited ones by prior up to minMoves, capped at maxMoves. */
function rows(root: SearchNode, params: SearchParams, allowed: ((loc: number) => boolean) | null, args: AnalyzeArgs): Row[] {
  const policy = root.selectionPolicy!;
  const { locs, values } = playSelectionValues(root, params, allowed);
  const psv = new Map(locs.map((l, i) => [l, values[i]]));
  const visited = root.children.filter((c) => c.stats.visits > 0 && (!allowed || allowed(c.moveLoc!)));
  visited.sort((a, b) => (psv.get(b.moveLoc!) ?? 0) - (psv.get(a.moveLoc!) ?? 0) || b.stats.visits - a.stats.visits);
  const out: Row[] = visited.map((c) => ({ node: c, loc: c.moveLoc!, prior: policy[root.policyIndex(c.moveLoc!)] }));
  if (out.length < args.minMoves) {
    const seen = new Set(out.map((r) => r.loc));
    const rest: Row[] = [];
    for (let i = 0; i < policy.length; i++) {
      const loc = root.locOfIndex(i);
      if (policy[i] < 0 || seen.has(loc) || (allowed && !allowed(loc))) continue;
      rest.push({ node: null, loc, prior: policy[i] });
    }
    rest.sort((a, b) => b.prior - a.prior);
    out.push(...rest.slice(0, args.minMoves - out.length));
  }
  return out.slice(0, args.maxMoves);
}

/** PV from a root child: the move, then the most-visited child repeatedly; with each node's visits. */
function pvFrom(child: SearchNode | null, loc: number): { locs: number[]; visits: number[] } {
  const locs = [loc];
  const visits = [child?.stats.visits ?? 0];
  let n = child;
  while (n && locs.length < ANALYSIS_PV_LEN + 1) {
    let best: SearchNode | null = null;
    for (const c of n.children) if (c.stats.visits > 0 && (!best || c.stats.visits > best.stats.visits)) best = c;
    if (!best) break;
    locs.push(best.moveLoc!);
    visits.push(best.stats.visits);
    n = best;
  }
  return { locs, visits };
}

function utilityRadius(node: SearchNode | null, params: SearchParams): number {
  const full = 2 * (params.winLossUtilityFactor + params.staticScoreUtilityFactor + params.dynamicScoreUtilityFactor);
  if (!node || node.stats.visits < MIN_VISITS_FOR_LCB) return full;
  const s = node.stats;
  const variance = Math.max(1e-8, s.utilitySqAvg - s.utilityAvg * s.utilityAvg);
  return LCB_STDEVS * Math.sqrt(variance / s.weightSum);
}

function ownershipWords(values: Float64Array, sign: number): string {
  return Array.from(values, (v) => fmt(sign * v)).join(' ');
}

/**
 * One report line (without newline), or null when no move has anything to report yet (KataGo prints
 * nothing then). `pla` is the player to move at the root.
 */
export function analysisLine(
  root: SearchNode,
  params: SearchParams,
  allowed: ((loc: number) => boolean) | null,
  args: AnalyzeArgs,
  recorder: OwnershipRecorder,
): string | null {
  if (!root.policy || root.stats.visits === 0) return null;
  const pla: Color = root.nextPla;
  const sign = pla === WHITE ? 1 : -1;
  const list = rows(root, params, allowed, args);
  if (list.length === 0) return null;
  const rs = root.stats;
  const winLossShare = params.winLossUtilityFactor / (params.winLossUtilityFactor + params.staticScoreUtilityFactor + params.dynamicScoreUtilityFactor);
  const parts: string[] = [];
  list.forEach((r, order) => {
    const s = r.node && r.node.stats.visits > 0 ? r.node.stats : rs;
    const visits = r.node?.stats.visits ?? 0;
    const winrate = 0.5 * (1 + sign * s.winLossAvg);
    const utility = sign * s.utilityAvg;
    const radius = utilityRadius(r.node, params);
    const lcb = winrate - radius * 0.5 * winLossShare;
    const pv = pvFrom(r.node, r.loc);
    const pvText = pv.locs.map((l) => vertex(root, l)).join(' ');
    if (args.kind === 'lz') {
      const pct = (x: number) => String(Math.round(Math.min(1, Math.max(0, x)) * 10000));
      parts.push(`info move ${vertex(root, r.loc)} visits ${visits} winrate ${pct(winrate)} prior ${pct(r.prior)} lcb ${pct(lcb)} order ${order} pv ${pvText}`);
      return;
    }
    const lead = sign * s.leadAvg;
    const scoreStdev = Math.sqrt(Math.max(0, s.scoreMeanSqAvg - s.scoreMeanAvg * s.scoreMeanAvg));
    let line =
      `info move ${vertex(root, r.loc)} visits ${visits} edgeVisits ${visits} utility ${fmt(utility)} winrate ${fmt(winrate)}` +
      ` scoreMean ${fmt(lead)} scoreStdev ${fmt(scoreStdev)} scoreLead ${fmt(lead)} scoreSelfplay ${fmt(sign * s.scoreMeanAvg)}` +
      ` prior ${fmt(r.prior)} lcb ${fmt(lcb)} utilityLcb ${fmt(utility - radius)} weight ${fmt(r.node?.stats.weightSum ?? 0)} order ${order} pv ${pvText}`;
    if (args.pvVisits) line += ` pvVisits ${pv.visits.join(' ')}`;
    if (args.pvEdgeVisits) line += ` pvEdgeVisits ${pv.visits.join(' ')}`;
    if (args.movesOwnership || args.movesOwnershipStdev) {
      const own = r.node ? treeOwnership(r.node, recorder) : null;
      const area = root.width * root.height;
      if (args.movesOwnership) line += ` movesOwnership ${ownershipWords(own?.mean ?? new Float64Array(area), sign)}`;
      if (args.movesOwnershipStdev) line += ` movesOwnershipStdev ${ownershipWords(own?.stdev ?? new Float64Array(area), 1)}`;
    }
    parts.push(line);
  });
  let out = parts.join(' ');
  if (args.kind === 'kata') {
    if (args.rootInfo) {
      const lead = sign * rs.leadAvg;
      out +=
        ` rootInfo visits ${rs.visits} utility ${fmt(sign * rs.utilityAvg)} winrate ${fmt(0.5 * (1 + sign * rs.winLossAvg))}` +
        ` scoreMean ${fmt(lead)} scoreStdev ${fmt(Math.sqrt(Math.max(0, rs.scoreMeanSqAvg - rs.scoreMeanAvg * rs.scoreMeanAvg)))} scoreLead ${fmt(lead)}` +
        ` scoreSelfplay ${fmt(sign * rs.scoreMeanAvg)} weight ${fmt(rs.weightSum)}`;
      const e = recorder.evaluationOf(root);
      if (e) out += ` rawStWrError ${fmt(e.shorttermWinlossError)} rawStScoreError ${fmt(e.shorttermScoreError)} rawVarTimeLeft ${fmt(e.varTimeLeft)}`;
    }
    if (args.ownership || args.ownershipStdev) {
      const own = treeOwnership(root, recorder);
      if (args.ownership) out += ` ownership ${ownershipWords(own.mean, sign)}`;
      if (args.ownershipStdev) out += ` ownershipStdev ${ownershipWords(own.stdev, 1)}`;
    }
  }
  return out;
}
