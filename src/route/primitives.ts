// Gradient routing primitives: `route(x, mask)` is the identity in the forward pass and
// multiplies the incoming gradient by `mask` in the backward pass; `stopGradient(x)` is the
// identity with no gradient. Masks follow numpy broadcasting to x's shape: [B, 1] per example,
// [B, T, 1] per token, [D] per feature, and any mix; fractional and negative values are allowed.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';

/** The identity with a zero gradient. */
export function stopGradient<T extends Tensor>(x: T): T {
  const f = tf.customGrad(((input: Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: Tensor) => tf.zerosLike(dy),
  })) as Parameters<typeof tf.customGrad>[0]);
  return f(x) as T;
}

/** Throws a clear error unless `maskShape` broadcasts to `xShape` (numpy rules, aligned from the right). */
export function checkMaskBroadcasts(maskShape: readonly number[], xShape: readonly number[], what = 'route'): void {
  const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
  const ok =
    maskShape.length <= xShape.length &&
    maskShape.every((m, i) => {
      const x = xShape[xShape.length - maskShape.length + i];
      return m === 1 || m === x;
    });
  if (!ok) {
    throw new Error(
      `${what}: mask of shape ${fmt(maskShape)} does not broadcast to the activation's shape ${fmt(xShape)} ` +
        '(shapes align from the last axis; each mask axis must be 1 or equal; e.g. [B, 1] per example, [B, T, 1] per token, [D] per feature)',
    );
  }
}

/** Throws when the mask holds NaN or an infinity (reads the mask's values). */
export function checkMaskFinite(mask: Tensor, what = 'route'): void {
  const d = mask.dataSync();
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) throw new Error(`${what}: mask value ${d[i]} at flat index ${i} is not a finite number`);
  }
}

function asMask(mask: Tensor | number[] | Float32Array): Tensor {
  return mask instanceof tf.Tensor ? mask : tf.tensor1d(Array.from(mask as ArrayLike<number>), 'float32');
}

/**
 * Forward: x. Backward: the gradient reaching x is multiplied by `mask` (broadcast to x's shape).
 * Implemented as a custom gradient; the mask itself receives no gradient.
 */
export function route<T extends Tensor>(x: T, mask: Tensor | number[] | Float32Array): T {
  const m = asMask(mask);
  checkMaskBroadcasts(m.shape, x.shape);
  checkMaskFinite(m);
  // The mask is an input (with a zero gradient) and saved, so it outlives the forward scope.
  const f = tf.customGrad(((input: Tensor, maskInput: Tensor, save: tf.GradSaveFunc) => {
    save([maskInput]);
    return {
      value: tf.clone(input),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(dy, tf.cast(saved[0], dy.dtype)), tf.zerosLike(saved[0])],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, m) as T;
}

/**
 * The same routing written as the reference implementation does it:
 * mask * x + (1 - mask) * stopGradient(x). Equal to `route` in value and gradient (up to rounding).
 */
export function routeBlend<T extends Tensor>(x: T, mask: Tensor | number[] | Float32Array): T {
  const m = asMask(mask);
  checkMaskBroadcasts(m.shape, x.shape, 'routeBlend');
  checkMaskFinite(m, 'routeBlend');
  return tf.add(tf.mul(m, x), tf.mul(tf.sub(1, m), stopGradient(x))) as T;
}
