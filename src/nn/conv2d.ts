// 2-D convolution over NHWC inputs; the filter has tfjs's layout [kernelH, kernelW, in, out].
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';
import { Module } from './module.js';
import { torchDefaultUniform } from './init.js';
import { checkPositiveInt, type WeightInit } from './linear.js';

export interface Conv2dOptions {
  rng: Rng;
  /** Stride, one number or [h, w] (default 1). */
  stride?: number | [number, number];
  /**
   * 'same' (default) keeps ceil(size / stride) outputs, padding evenly with any odd pixel at the
   * bottom/right (TensorFlow's rule); 'valid' uses no padding.
   */
  padding?: 'same' | 'valid';
  bias?: boolean;
  /** Filter initialiser; PyTorch's default U(±1/sqrt(fanIn)) when omitted. */
  init?: WeightInit;
}

export class Conv2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: 'same' | 'valid';

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number], options: Conv2dOptions) {
    super();
    checkPositiveInt('Conv2d', 'inChannels', inChannels);
    checkPositiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    this.stride = typeof options.stride === 'number' || options.stride === undefined ? [options.stride ?? 1, options.stride ?? 1] : options.stride;
    for (const k of this.kernelSize) checkPositiveInt('Conv2d', 'kernelSize', k);
    for (const s of this.stride) checkPositiveInt('Conv2d', 'stride', s);
    this.padding = options.padding ?? 'same';
    if (this.padding !== 'same' && this.padding !== 'valid') throw new Error(`Conv2d: padding must be 'same' or 'valid', got ${String(this.padding)}`);
    const shape = [this.kernelSize[0], this.kernelSize[1], inChannels, outChannels];
    const fanIn = inChannels * this.kernelSize[0] * this.kernelSize[1];
    this.weight = this.registerParameter('weight', options.init ? options.init(options.rng, shape) : torchDefaultUniform(options.rng, shape, fanIn));
    this.bias = options.bias === false ? null : this.registerParameter('bias', torchDefaultUniform(options.rng, [outChannels], fanIn));
  }

  /** x: [batch, height, width, inChannels] -> [batch, height', width', outChannels]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new Error(`Conv2d: input must be NHWC with ${this.inChannels} channels, got shape [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, this.padding);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
