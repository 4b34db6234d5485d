// Benchmark (b): one training step (forward, backward, AdamW) of a ReLU MLP with a
// softmax cross-entropy loss on a random batch.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor, Variable } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { ADAMW_DEFAULTS, PlainAdamW, trainReference, trainStep, type OptimizerSettings } from './adamw.js';
import { linear } from './ops.js';
import { exportAll, randomNormal, type Workload } from './workload.js';

export interface MlpShape {
  batch: number;
  /** Layer widths from input to logits, e.g. [784, 1024, 1024, 10]. */
  sizes: number[];
  optimizer: OptimizerSettings;
}

export const MLP_FULL: MlpShape = { batch: 256, sizes: [784, 1024, 1024, 10], optimizer: { lr: 1e-3, weightDecay: 1e-2 } };
/** Large steps, so a difference in the optimizer shows in the losses the peer check compares. */
export const MLP_TINY: MlpShape = { batch: 8, sizes: [12, 16, 16, 5], optimizer: { lr: 0.05, weightDecay: 0.5 } };

export function buildMlpStep(shape: MlpShape, seed = 1): Workload {
  const rng = new Rng(seed);
  const { batch, sizes } = shape;
  const classes = sizes[sizes.length - 1];
  const named: Record<string, Variable> = {};
  for (let i = 0; i + 1 < sizes.length; i++) {
    const std = Math.sqrt(2 / sizes[i]);
    named[`fc${i + 1}.weight`] = tf.variable(randomNormal(rng, [sizes[i], sizes[i + 1]], std));
    named[`fc${i + 1}.bias`] = tf.variable(tf.zeros([sizes[i + 1]]));
  }
  const params = Object.values(named);
  const x = randomNormal(rng, [batch, sizes[0]]);
  const labelData = new Int32Array(batch).map(() => rng.int(classes));
  const labels = tf.tensor1d(labelData, 'int32');
  const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32');
  const opt = new PlainAdamW(params, { ...ADAMW_DEFAULTS, ...shape.optimizer });
  const layers = sizes.length - 1;

  const loss = (): Tensor => {
    let h = x;
    for (let i = 1; i <= layers; i++) {
      h = linear(h, named[`fc${i}.weight`], named[`fc${i}.bias`]);
      if (i < layers) h = tf.relu(h);
    }
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(h)), 1)));
  };

  return {
    run: () => void trainStep(loss, params, opt),
    exportState: () => ({ params: exportAll(named), inputs: exportAll({ x, labels }) }),
    reference: () => trainReference(loss, params, opt),
    dispose: () => {
      opt.dispose();
      tf.dispose([...params, x, labels, oneHot]);
    },
  };
}
