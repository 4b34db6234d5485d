// Fused updates for code that works on raw Float32Arrays (optimizers): one C++ pass over the
// arrays, split across the addon's threads. Each returns false when the native addon is not
// loaded, so callers keep a JavaScript loop as the fallback.
import { loadedAddon } from './register.js';

/** One Adam/AdamW step, with the bias corrections folded in by the caller. */
export interface AdamStep {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 - beta1^t) */
  stepSize: number;
  /** Decoupled weight decay factor: 1 - lr * wd for AdamW, 1 for Adam. */
  decay: number;
  /** L2 penalty added to the gradient: wd for Adam, 0 for AdamW. */
  l2: number;
  /** sqrt(1 - beta2^t) */
  bc2Sqrt: number;
}

/**
 * g' = g + l2 p; m = b1 m + (1-b1) g'; v = b2 v + (1-b2) g'^2;
 * out = p decay - stepSize m / (sqrt(v) / bc2Sqrt + eps). Updates m and v in place.
 */
export function nativeAdamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array, s: AdamStep): boolean {
  const addon = loadedAddon();
  if (!addon) return false;
  addon.adamUpdate(p, g, m, v, out, s.beta1, s.beta2, s.eps, s.stepSize, s.decay, s.l2, s.bc2Sqrt);
  return true;
}
