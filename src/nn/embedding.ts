// Embedding table: integer ids of any shape -> vectors, weight [numEmbeddings, dim] ~ N(0, 1) as in PyTorch.
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';
import { Module } from './module.js';
import { normal } from './init.js';
import { checkPositiveInt, type WeightInit } from './linear.js';

export interface EmbeddingOptions {
  rng: Rng;
  /** Weight initialiser; N(0, 1) when omitted. */
  init?: WeightInit;
}

export class Embedding extends Module {
  readonly weight: Variable;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions) {
    super();
    checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    const shape = [numEmbeddings, embeddingDim];
    this.weight = this.registerParameter('weight', options.init ? options.init(options.rng, shape) : normal(options.rng, shape));
  }

  /** `ids` must be int32; the result has shape [...ids.shape, embeddingDim]. */
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new Error(`Embedding: ids must be int32, got ${ids.dtype}`);
    return tf.tidy(() => {
      const flat = tf.reshape(ids, [-1]);
      const range = tf.logicalAnd(tf.greaterEqual(flat, 0), tf.less(flat, this.numEmbeddings));
      if (!tf.all(range).dataSync()[0]) {
        throw new Error(`Embedding: ids must lie in [0, ${this.numEmbeddings}), got min ${tf.min(flat).dataSync()[0]} max ${tf.max(flat).dataSync()[0]}`);
      }
      return tf.reshape(tf.gather(this.weight, flat), [...ids.shape, this.embeddingDim]);
    });
  }
}
