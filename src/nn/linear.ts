// Linear layer y = x W + b over the last axis of an input of any rank; W has shape [in, out].
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';
import { Module } from './module.js';
import { torchDefaultUniform } from './init.js';

export type WeightInit = (rng: Rng, shape: readonly number[]) => Tensor;

export interface LinearOptions {
  rng: Rng;
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialiser; PyTorch's default U(±1/sqrt(in)) when omitted. Biases always use that default. */
  init?: WeightInit;
}

export class Linear extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions) {
    super();
    checkPositiveInt('Linear', 'inFeatures', inFeatures);
    checkPositiveInt('Linear', 'outFeatures', outFeatures);
    const shape = [inFeatures, outFeatures];
    this.weight = this.registerParameter('weight', options.init ? options.init(options.rng, shape) : torchDefaultUniform(options.rng, shape, inFeatures));
    this.bias = options.bias === false ? null : this.registerParameter('bias', torchDefaultUniform(options.rng, [outFeatures], inFeatures));
  }

  forward(x: Tensor): Tensor {
    const last = x.shape[x.rank - 1];
    if (x.rank < 1 || last !== this.inFeatures) {
      throw new Error(`Linear: input's last axis must be ${this.inFeatures}, got shape [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const flat = x.rank === 2 ? x : tf.reshape(x, [-1, this.inFeatures]);
      let y = tf.matMul(flat, this.weight);
      if (this.bias) y = tf.add(y, this.bias);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }
}

export function checkPositiveInt(layer: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${layer}: ${field} must be a positive integer, got ${value}`);
}
