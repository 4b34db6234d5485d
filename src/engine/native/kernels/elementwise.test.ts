import { test } from 'node:test';
import { tf } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { compareBackends, nativeSkipReason, randn } from '../testing.js';

const skip = nativeSkipReason();

const OPS = {
  add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div, maximum: tf.maximum, minimum: tf.minimum,
  squaredDifference: tf.squaredDifference,
} as const;

// Pairs of shapes that broadcast: same shape, row/column vectors, scalars, middle axes, size-1 dims, empty.
const SHAPES: [number[], number[]][] = [
  [[1000], [1000]], [[37, 41], [41]], [[37, 41], [37, 1]], [[37, 41], []], [[], [37, 41]], [[1], [40, 30]],
  [[4, 1, 30, 7], [5, 1, 7]], [[2, 3, 40, 5], [2, 1, 40, 1]], [[64, 1], [1, 64]], [[1, 1, 600], [600]], [[0, 600], [600]],
  [[3, 1, 1, 200], [3, 5, 7, 200]], [[200000], [1]], [[300, 400], [300, 400]],
];

test('broadcasting binary ops match cpu', { skip }, () => {
  const rng = new Rng(10);
  for (const [sa, sb] of SHAPES) {
    const av = randn(rng, sa), bv = randn(rng, sb);
    for (const [name, op] of Object.entries(OPS)) {
      compareBackends(`${name} [${sa}] [${sb}]`, () => op(tf.tensor(av, sa), tf.tensor(bv, sb)), 1e-5, 1e-6);
    }
    // Division by values near zero is ill-conditioned; pow needs a positive base.
    compareBackends(`pow [${sa}] [${sb}]`, () => tf.pow(tf.abs(tf.tensor(av, sa)), tf.tensor(bv, sb)), 1e-4, 1e-5);
  }
});

test('NaN propagates through maximum and minimum as in cpu', { skip }, () => {
  const a = new Float32Array(1024).fill(1);
  a[5] = NaN;
  compareBackends('maximum NaN', () => tf.maximum(tf.tensor(a), tf.zeros([1024])));
  compareBackends('minimum NaN', () => tf.minimum(tf.zeros([1024]), tf.tensor(a)));
});

test('addN matches cpu', { skip }, () => {
  const rng = new Rng(11);
  const xs = [0, 1, 2, 3].map(() => randn(rng, [30, 50]));
  compareBackends('addN', () => tf.addN(xs.map((x) => tf.tensor(x, [30, 50]))), 1e-5, 1e-6);
});

test('comparisons and select match cpu', { skip }, () => {
  const rng = new Rng(12);
  const av = randn(rng, [40, 30]).map((x) => Math.round(x * 2) / 2), bv = randn(rng, [30]).map((x) => Math.round(x * 2) / 2);
  const cmp = { greater: tf.greater, greaterEqual: tf.greaterEqual, less: tf.less, lessEqual: tf.lessEqual, equal: tf.equal, notEqual: tf.notEqual } as const;
  for (const [name, op] of Object.entries(cmp)) {
    compareBackends(`${name}`, () => op(tf.tensor(av, [40, 30]), tf.tensor(bv, [30])), 0, 0);
  }
  compareBackends('where', () => tf.where(tf.greater(tf.tensor(av, [40, 30]), 0), tf.tensor(av, [40, 30]), tf.neg(tf.tensor(av, [40, 30]))), 0, 0);
  compareBackends('clipByValue', () => tf.clipByValue(tf.tensor(av, [40, 30]), -0.5, 0.75), 0, 0);
});
