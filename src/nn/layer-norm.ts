// Layer normalisation over the trailing `normalizedShape` axes, with optional elementwise affine.
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';
import { Module } from './module.js';
import { nativeLayerNorm } from '../engine/native/fused-ops.js';
import { ones, zeros } from './init.js';
import { checkPositiveInt } from './linear.js';

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5, as in PyTorch). */
  eps?: number;
  /** Learn a per-element scale (weight) and shift (bias); default true. */
  elementwiseAffine?: boolean;
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Variable | null;
  readonly bias: Variable | null;

  constructor(normalizedShape: number | number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0) throw new Error('LayerNorm: normalizedShape must not be empty');
    for (const d of this.normalizedShape) checkPositiveInt('LayerNorm', 'normalizedShape', d);
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones(this.normalizedShape)) : null;
    this.bias = affine ? this.registerParameter('bias', zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.rank < k || !tf.util.arraysEqual(x.shape.slice(x.rank - k), this.normalizedShape)) {
      throw new Error(`LayerNorm: input's trailing axes must be [${this.normalizedShape.join(', ')}], got shape [${x.shape.join(', ')}]`);
    }
    if (this.weight && this.bias) {
      const fused = nativeLayerNorm(x, this.weight, this.bias, this.weight.size, this.eps);
      if (fused) return fused;
    }
    return tf.tidy(() => {
      const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
      const centered = tf.sub(x, tf.mean(x, axes, true));
      const variance = tf.mean(tf.square(centered), axes, true);
      let y = tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps)));
      if (this.weight) y = tf.mul(y, this.weight);
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}
