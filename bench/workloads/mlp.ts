// Benchmark (b): one training step (forward, backward, AdamW) of a ReLU MLP (src/nn's MLP)
// with a softmax cross-entropy loss on a random batch.
import { tf } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { MLP, init } from '../../src/nn/index.js';
import { makeAdamW, trainReference, trainStep, TORCH_ADAMW_DEFAULTS, type OptimizerSettings } from './train-step.js';
import { exportAll, type Workload } from './workload.js';

export interface MlpShape {
  batch: number;
  /** Layer widths from input to logits, e.g. [784, 1024, 1024, 10]. */
  sizes: number[];
  optimizer: OptimizerSettings;
}

export const MLP_FULL: MlpShape = { batch: 256, sizes: [784, 1024, 1024, 10], optimizer: TORCH_ADAMW_DEFAULTS };
/** Large steps, so a difference in the optimizer shows in the losses the peer check compares. */
export const MLP_TINY: MlpShape = { batch: 8, sizes: [12, 16, 16, 5], optimizer: { lr: 0.05, weightDecay: 0.5 } };

export function buildMlpStep(shape: MlpShape, seed = 1): Workload {
  const rng = new Rng(seed);
  const { batch, sizes } = shape;
  const classes = sizes[sizes.length - 1];
  const model = new MLP(sizes, { rng: rng.fork('init'), activation: 'relu' });
  const params = model.namedParameters();
  const x = init.normal(rng, [batch, sizes[0]]);
  const labels = tf.tensor1d(new Int32Array(batch).map(() => rng.int(classes)), 'int32');
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(labels, classes), 'float32'));
  const opt = makeAdamW(params, shape.optimizer);
  const loss = (): tf.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(model.forward(x))), 1))) as tf.Scalar;

  return {
    run: () => void trainStep(params, loss, opt),
    exportState: () => ({ params: exportAll(model.stateDict()), inputs: exportAll({ x, labels }) }),
    reference: () => trainReference(params, loss, opt),
    dispose: () => {
      opt.dispose();
      model.dispose();
      tf.dispose([x, labels, oneHot]);
    },
  };
}
