// Benchmark: one training step of the gradient-routing experiment's partitioned autoencoder
// (src/route/mnist: encoder 784-2048-512-32, mirrored decoder) on a batch of 2048 images: the
// code routed by class (0-4 -> first half, 5-9 -> second), group-mean MAE reconstruction, L1
// and cross-half correlation penalties on the code, an Adam step. An epoch over Fashion-MNIST's
// 60,000 training images is 60000 / 2048 = 29.3 such steps. The batch is Fashion-MNIST's first
// training images when the IDX files are installed, else synthetic images of the same shape
// (the step's cost does not depend on pixel values).
import { existsSync } from 'node:fs';
import { tf } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { Adam, disposeGrads, lossAndGrads, type NamedGrads } from '../../src/nn/index.js';
import { compileRouting } from '../../src/route/compile.js';
import { PartitionedAutoencoder } from '../../src/route/mnist/autoencoder.js';
import { DEFAULT_FASHION_MNIST_DIR, loadExperimentData } from '../../src/route/mnist/data.js';
import { codePenalties, groupMeanWeights, networkPixels, partitionRoutingSpec, reconstructionLoss, type RouteMnistConfig } from '../../src/route/mnist/experiment.js';
import { exportAll, type Workload } from './workload.js';

export interface RouteAutoencoderShape {
  batch: number;
  inputSize: number;
  hidden: number[];
  codeSize: number;
  l1: number;
  corr: number;
  lr: number;
  weightDecay: number;
  /** Use Fashion-MNIST's first `batch` training images when installed (else synthetic). */
  fashion: boolean;
}

export const ROUTE_AE_FULL: RouteAutoencoderShape = {
  batch: 2048,
  inputSize: 784,
  hidden: [2048, 512],
  codeSize: 32,
  l1: 3e-3,
  corr: 0.1,
  lr: 1e-3,
  weightDecay: 5e-5,
  fashion: true,
};
/** Large steps, so a difference in the optimizer shows in the losses the peer check compares. */
export const ROUTE_AE_TINY: RouteAutoencoderShape = { ...ROUTE_AE_FULL, batch: 8, inputSize: 12, hidden: [16, 8], codeSize: 4, lr: 0.05, weightDecay: 0.5, fashion: false };

/** Training images per epoch of Fashion-MNIST, for scaling the step time to an epoch. */
export const FASHION_TRAIN_IMAGES = 60000;

function batchImages(shape: RouteAutoencoderShape, rng: Rng): { images: Float32Array; labels: Int32Array } {
  const dir = process.env.GLASSBOX_FASHION_MNIST_DIR || DEFAULT_FASHION_MNIST_DIR;
  if (shape.fashion && shape.inputSize === 784 && existsSync(dir)) {
    const { train } = loadExperimentData('fashion', rng);
    if (train.count >= shape.batch) {
      return { images: train.images.slice(0, shape.batch * 784), labels: train.labels.slice(0, shape.batch) };
    }
  }
  const images = Float32Array.from({ length: shape.batch * shape.inputSize }, () => rng.uniform());
  const labels = Int32Array.from({ length: shape.batch }, (_, i) => i % 10);
  return { images, labels };
}

export function buildRouteAutoencoderStep(shape: RouteAutoencoderShape, seed = 1): Workload {
  const rng = new Rng(seed);
  const model = new PartitionedAutoencoder({ inputSize: shape.inputSize, hidden: shape.hidden, codeSize: shape.codeSize }, rng.fork('init'));
  const params = model.namedParameters();
  const data = batchImages(shape, rng.fork('data'));
  const x = networkPixels(data.images, shape.inputSize);
  const w = tf.tensor1d(groupMeanWeights(data.labels, 10));
  const routing = compileRouting(partitionRoutingSpec('activation', 10, shape.codeSize), { batchSize: shape.batch, labels: data.labels }, { hookNames: model.hookNames() });
  const mask = tf.tensor2d(routing.maskFor('encoder.hook_code', [shape.batch, shape.codeSize])!.values, [shape.batch, shape.codeSize]);
  const penalties = { codeSize: shape.codeSize, l1First: shape.l1, l1Second: shape.l1, corrCoef: shape.corr } as RouteMnistConfig;
  const opt = new Adam(params, { lr: shape.lr, weightDecay: shape.weightDecay });
  const lossFn = (): tf.Scalar => {
    const { loss, code } = reconstructionLoss(model, x, w, routing.hooks);
    return tf.add(loss, codePenalties(code, penalties)) as tf.Scalar;
  };
  const step = (onGrads?: (g: NamedGrads) => void): number =>
    tf.tidy(() => {
      const { loss, grads } = lossAndGrads(params, lossFn);
      onGrads?.(grads);
      opt.step(grads);
      const value = loss.dataSync()[0];
      disposeGrads(grads);
      return value;
    });

  return {
    run: () => void step(),
    exportState: () => ({ params: exportAll(model.stateDict()), inputs: exportAll({ x, weights: w, mask }) }),
    reference: () => {
      const grads: number[] = [];
      const collect = (g: NamedGrads) => {
        for (const [name] of params) for (const v of g[name].dataSync()) grads.push(v);
      };
      return { loss: [step(collect), step(), step()], grads };
    },
    dispose: () => {
      opt.dispose();
      model.dispose();
      tf.dispose([x, w, mask]);
    },
  };
}
