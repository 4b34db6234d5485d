// Activation functions as plain tensor functions, plus a by-name lookup for configurable layers.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { nativeGelu } from '../engine/native/fused-ops.js';

export type ActivationFn = (x: Tensor) => Tensor;

export const relu: ActivationFn = (x) => tf.relu(x);
export const tanh: ActivationFn = (x) => tf.tanh(x);
export const sigmoid: ActivationFn = (x) => tf.sigmoid(x);

/** x * sigmoid(x) (also called swish). */
export const silu: ActivationFn = (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x)));

/** Exact GELU: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); one fused kernel on the native backend. */
export const gelu: ActivationFn = (x) =>
  nativeGelu(x, 'none') ?? tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));

const GELU_TANH_SCALE = Math.sqrt(2 / Math.PI);

/**
 * GELU's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); one fused kernel
 * on the native backend.
 */
export const geluTanh: ActivationFn = (x) =>
  nativeGelu(x, 'tanh') ?? tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_TANH_SCALE);
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });

export const identity: ActivationFn = (x) => x;

/** Softmax over `axis` (the last by default). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(x, tf.max(x, axis, true));
    const e = tf.exp(shifted);
    return tf.div(e, tf.sum(e, axis, true));
  });
}

/** Log-softmax over `axis` (the last by default), computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(x, tf.max(x, axis, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  });
}

export const ACTIVATIONS = {
  relu,
  gelu,
  gelu_tanh: geluTanh,
  silu,
  tanh,
  sigmoid,
  identity,
} as const satisfies Record<string, ActivationFn>;

export type ActivationName = keyof typeof ACTIVATIONS;

/** Looks an activation up by name, with a clear error listing the known names. */
export function activationByName(name: string): ActivationFn {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new Error(`unknown activation "${name}"; expected one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  }
  return ACTIVATIONS[name as ActivationName];
}
