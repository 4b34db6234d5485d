// Parameter initialisers. Each draws from an Rng, so a model's initial weights follow from a seed.
// Fan-in and fan-out follow the layouts used here: Linear weights are [in, out] and Conv2d
// filters are [kernelH, kernelW, in, out] (tfjs's layout), so the receptive field multiplies both.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** Fan-in and fan-out of a weight of shape [in, out] or [...kernel, in, out]. */
export function computeFans(shape: readonly number[]): Fans {
  if (shape.length < 2) throw new Error(`init: fans need a weight of rank >= 2, got shape [${shape.join(', ')}]`);
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function sizeOf(shape: readonly number[]): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`init: shape must hold non-negative integers, got [${shape.join(', ')}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

export function zeros(shape: readonly number[]): Tensor {
  sizeOf(shape);
  return tf.zeros([...shape]);
}

export function ones(shape: readonly number[]): Tensor {
  sizeOf(shape);
  return tf.ones([...shape]);
}

export function normal(rng: Rng, shape: readonly number[], std = 1, mean = 0): Tensor {
  return tf.tensor(rng.normalArray(sizeOf(shape), mean, std), [...shape], 'float32');
}

export function uniform(rng: Rng, shape: readonly number[], low: number, high: number): Tensor {
  return tf.tensor(rng.uniformArray(sizeOf(shape), low, high), [...shape], 'float32');
}

/** Glorot/Xavier uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(rng: Rng, shape: readonly number[], gain = 1): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(rng, shape, -a, a);
}

/** Glorot/Xavier normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(rng: Rng, shape: readonly number[], gain = 1): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  return normal(rng, shape, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Gain of the following nonlinearity; sqrt(2) (ReLU) by default. */
  gain?: number;
  /** Preserve the forward (fanIn, default) or backward (fanOut) variance. */
  mode?: 'fanIn' | 'fanOut';
}

function kaimingFan(shape: readonly number[], mode: 'fanIn' | 'fanOut'): number {
  const f = computeFans(shape);
  return mode === 'fanIn' ? f.fanIn : f.fanOut;
}

/** Kaiming/He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform(rng: Rng, shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const b = (options.gain ?? Math.SQRT2) * Math.sqrt(3 / kaimingFan(shape, options.mode ?? 'fanIn'));
  return uniform(rng, shape, -b, b);
}

/** Kaiming/He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal(rng: Rng, shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const std = (options.gain ?? Math.SQRT2) / Math.sqrt(kaimingFan(shape, options.mode ?? 'fanIn'));
  return normal(rng, shape, std);
}

/**
 * PyTorch's default for Linear and Conv weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
 * where fanIn is the weight's fan-in (pass it explicitly for a bias).
 */
export function torchDefaultUniform(rng: Rng, shape: readonly number[], fanIn: number): Tensor {
  if (!(fanIn > 0)) throw new Error(`init: fanIn must be positive, got ${fanIn}`);
  const b = 1 / Math.sqrt(fanIn);
  return uniform(rng, shape, -b, b);
}
