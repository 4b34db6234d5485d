// Root Dirichlet noise as KataGo adds it for self-play (Search::addDirichletNoise): the total
// concentration (10.83) is split over the legal moves, half uniformly and half in proportion to
// max(0, log(min(0.01, p) + 1e-20) - mean of those logs); a gamma draw per move, normalised, is mixed in
// with weight 0.25.
import type { Rng } from '../../engine/rng.js';

export function dirichletAlphaShape(policy: Float32Array): Float64Array {
  const alpha = new Float64Array(policy.length);
  let legal = 0;
  let logSum = 0;
  for (let i = 0; i < policy.length; i++) {
    if (policy[i] < 0) continue;
    legal++;
    alpha[i] = Math.log(Math.min(0.01, policy[i]) + 1e-20);
    logSum += alpha[i];
  }
  if (legal === 0) throw new Error('dirichlet noise: no legal move (not even pass)');
  const logMean = logSum / legal;
  let propSum = 0;
  for (let i = 0; i < policy.length; i++) {
    if (policy[i] < 0) continue;
    alpha[i] = Math.max(0, alpha[i] - logMean);
    propSum += alpha[i];
  }
  const uniform = 1 / legal;
  for (let i = 0; i < policy.length; i++) {
    if (policy[i] < 0) continue;
    alpha[i] = propSum <= 0 ? uniform : 0.5 * (alpha[i] / propSum + uniform);
  }
  return alpha;
}

/** Gamma(shape, 1) draw (Marsaglia-Tsang; boosted for shape < 1). */
export function gammaDraw(shape: number, rng: Rng): number {
  if (shape < 1) {
    const u = Math.max(rng.float(), 1e-300);
    return gammaDraw(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.float();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** The policy with Dirichlet noise mixed in (illegal entries stay -1). */
export function addDirichletNoise(policy: Float32Array, totalConcentration: number, weight: number, rng: Rng): Float32Array {
  const alpha = dirichletAlphaShape(policy);
  const r = new Float64Array(policy.length);
  let sum = 0;
  for (let i = 0; i < policy.length; i++) {
    if (policy[i] < 0) continue;
    r[i] = gammaDraw(alpha[i] * totalConcentration, rng);
    sum += r[i];
  }
  const out = new Float32Array(policy.length);
  for (let i = 0; i < policy.length; i++) out[i] = policy[i] < 0 ? policy[i] : (r[i] / sum) * weight + policy[i] * (1 - weight);
  return out;
}
