// Batch normalisation over the channel (last) axis of NHWC inputs, with running statistics.
// Training mode normalises with the batch's mean and biased variance and updates the running
// mean and unbiased variance with `momentum` (PyTorch's convention); eval mode uses the running ones.
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';
import { Module } from './module.js';
import { ones, zeros } from './init.js';
import { checkPositiveInt } from './linear.js';

export interface BatchNorm2dOptions {
  eps?: number;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
}

export class BatchNorm2d extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Variable | null;
  readonly bias: Variable | null;
  readonly runningMean: Variable;
  readonly runningVar: Variable;

  constructor(readonly numFeatures: number, options: BatchNorm2dOptions = {}) {
    super();
    checkPositiveInt('BatchNorm2d', 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
  }

  /** x: [batch, height, width, numFeatures]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.numFeatures) {
      throw new Error(`BatchNorm2d: input must be NHWC with ${this.numFeatures} channels, got shape [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let mean: Tensor;
      let variance: Tensor;
      if (this.training) {
        const count = x.size / this.numFeatures;
        if (count < 2) throw new Error(`BatchNorm2d: training needs more than one value per channel, got shape [${x.shape.join(', ')}]`);
        mean = tf.mean(x, [0, 1, 2]);
        variance = tf.mean(tf.square(tf.sub(x, mean)), [0, 1, 2]);
        const m = this.momentum;
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, m * count / (count - 1))));
      } else {
        mean = this.runningMean;
        variance = this.runningVar;
      }
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      if (this.weight) y = tf.mul(y, this.weight);
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}
