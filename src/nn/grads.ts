// Gradients by parameter name, and clipping by global norm.
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';

export type NamedGrads = Record<string, Tensor>;

/**
 * Evaluates `lossFn` and its gradient with respect to the trainable variables in `params`,
 * keyed by the parameters' hierarchical names. Parameters the loss does not depend on have no
 * entry. The caller owns (and must dispose) the loss and the gradients.
 */
export function lossAndGrads(params: [string, Variable][], lossFn: () => tf.Scalar): { loss: tf.Scalar; grads: NamedGrads } {
  const trainable = params.filter(([, p]) => p.trainable);
  if (trainable.length === 0) throw new Error('lossAndGrads: no trainable parameters (all frozen?)');
  const nameOf = new Map(trainable.map(([n, p]) => [p.name, n]));
  const { value, grads } = tf.variableGrads(lossFn, trainable.map(([, p]) => p));
  const out: NamedGrads = {};
  for (const [varName, g] of Object.entries(grads)) {
    if (g) out[nameOf.get(varName)!] = g;
  }
  return { loss: value, grads: out };
}

/** The L2 norm of all gradients taken together. */
export function globalNorm(grads: NamedGrads): number {
  let sumSquares = 0; // accumulated in double precision, in one pass per gradient
  for (const g of Object.values(grads)) {
    const d = g.dataSync();
    for (let i = 0; i < d.length; i++) sumSquares += d[i] * d[i];
  }
  return Math.sqrt(sumSquares);
}

/**
 * Clips gradients by global norm as torch.nn.utils.clip_grad_norm_ does: when the norm exceeds
 * `maxNorm`, every gradient is scaled by maxNorm / (norm + 1e-6). Returns new tensors (the input
 * is left untouched; the caller disposes both) and the norm before clipping.
 */
export function clipGradsByGlobalNorm(grads: NamedGrads, maxNorm: number): { grads: NamedGrads; totalNorm: number } {
  if (!(maxNorm > 0)) throw new Error(`clipGradsByGlobalNorm: maxNorm must be positive, got ${maxNorm}`);
  const totalNorm = globalNorm(grads);
  const coef = maxNorm / (totalNorm + 1e-6);
  const out: NamedGrads = {};
  for (const [n, g] of Object.entries(grads)) out[n] = coef < 1 ? tf.mul(g, coef) : tf.clone(g);
  return { grads: out, totalNorm };
}

/** Adds `more` into `into` (both keyed by parameter name), taking ownership of `more`'s tensors and disposing what it replaces. */
export function accumulateGrads(into: NamedGrads, more: NamedGrads): void {
  for (const [n, g] of Object.entries(more)) {
    const prev = into[n];
    if (prev) {
      into[n] = tf.add(prev, g);
      prev.dispose();
      g.dispose();
    } else into[n] = g;
  }
}

export function disposeGrads(grads: NamedGrads): void {
  for (const g of Object.values(grads)) g.dispose();
}
