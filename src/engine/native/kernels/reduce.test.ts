import { test } from 'node:test';
import { tf } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { compareBackends, nativeSkipReason, randn } from '../testing.js';

const skip = nativeSkipReason();

const CASES: [number[], number | number[] | null][] = [
  [[100, 70], 1], [[100, 70], 0], [[100, 70], null], [[100, 70], -1], [[8, 30, 20], 1], [[8, 30, 20], [0, 2]],
  [[4, 5, 6, 7], [1, 3]], [[4, 5, 6, 7], [0, 1]], [[4, 5, 6, 7], [2, 3]], [[4, 5, 6, 7], [0, 2, 3]], [[3, 1, 400], 1],
  [[2, 1000], 0], [[50000], 0], [[1, 1, 1024], [0, 1]], [[600, 3], 0],
];

test('sum, mean, max, min, prod over any axes match cpu', { skip }, () => {
  const rng = new Rng(30);
  for (const [shape, axis] of CASES) {
    const v = randn(rng, shape);
    const near1 = v.map((x) => 1 + x * 0.001);
    for (const keepDims of [false, true]) {
      const ax = axis ?? undefined;
      compareBackends(`sum [${shape}] axis=${axis} keep=${keepDims}`, () => tf.sum(tf.tensor(v, shape), ax, keepDims), 1e-4, 1e-4);
      compareBackends(`mean [${shape}] axis=${axis}`, () => tf.mean(tf.tensor(v, shape), ax, keepDims), 1e-4, 1e-5);
      compareBackends(`max [${shape}] axis=${axis}`, () => tf.max(tf.tensor(v, shape), ax, keepDims), 0, 0);
      compareBackends(`min [${shape}] axis=${axis}`, () => tf.min(tf.tensor(v, shape), ax, keepDims), 0, 0);
      compareBackends(`prod [${shape}] axis=${axis}`, () => tf.prod(tf.tensor(near1, shape), ax, keepDims), 1e-4, 1e-5);
    }
  }
});

test('softmax and logSoftmax match cpu', { skip }, () => {
  const rng = new Rng(31);
  for (const shape of [[64, 10], [3, 7, 129], [2000], [16, 4, 32, 32]]) {
    const v = randn(rng, shape).map((x) => x * 5);
    compareBackends(`softmax [${shape}]`, () => tf.softmax(tf.tensor(v, shape)), 1e-5, 1e-7);
    compareBackends(`logSoftmax [${shape}]`, () => tf.logSoftmax(tf.tensor(v, shape)), 1e-5, 1e-5);
  }
});

test('argMax and argMin match cpu', { skip }, () => {
  const rng = new Rng(32);
  for (const [shape, axis] of [[[64, 100], 1], [[64, 100], 0], [[4, 50, 6], 1], [[2000], 0]] as [number[], number][]) {
    const v = randn(rng, shape);
    compareBackends(`argMax [${shape}] axis=${axis}`, () => tf.argMax(tf.tensor(v, shape), axis), 0, 0);
    compareBackends(`argMin [${shape}] axis=${axis}`, () => tf.argMin(tf.tensor(v, shape), axis), 0, 0);
  }
});
