import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { compareBackends, nativeSkipReason, randn, runOn } from '../testing.js';

const skip = nativeSkipReason();

test('transpose matches cpu for every kind of permutation', { skip }, () => {
  const rng = new Rng(40);
  const cases: [number[], number[]][] = [
    [[30, 50], [1, 0]], [[4, 30, 50], [0, 2, 1]], [[4, 30, 50], [2, 0, 1]], [[4, 30, 50], [1, 0, 2]],
    [[2, 16, 4, 32], [0, 2, 1, 3]], [[2, 16, 4, 32], [0, 2, 3, 1]], [[2, 3, 4, 5, 6], [4, 2, 0, 3, 1]],
    [[1, 600, 1], [2, 1, 0]], [[3, 1, 200], [1, 2, 0]], [[1000], [0]], [[0, 700], [1, 0]], [[65, 33], [1, 0]],
  ];
  for (const [shape, perm] of cases) {
    const v = randn(rng, shape);
    compareBackends(`transpose [${shape}] perm ${perm}`, () => tf.transpose(tf.tensor(v, shape), perm), 0, 0);
  }
});

test('slice, split and concat match cpu', { skip }, () => {
  const rng = new Rng(41);
  const v = randn(rng, [6, 40, 30]);
  const x = () => tf.tensor(v, [6, 40, 30]);
  compareBackends('slice inner box', () => tf.slice(x(), [1, 5, 3], [4, 20, 20]), 0, 0);
  compareBackends('slice rows', () => tf.slice(x(), [2, 0, 0], [3, -1, -1]), 0, 0);
  compareBackends('slice middle', () => tf.slice(x(), [0, 10, 0], [-1, 25, 30]), 0, 0);
  compareBackends('slice empty', () => tf.slice(x(), [0, 10, 0], [6, 0, 30]), 0, 0);
  compareBackends('split last axis (QKV)', () => tf.split(x(), [10, 10, 10], 2), 0, 0);
  compareBackends('split axis 1', () => tf.split(x(), 4, 1), 0, 0);
  compareBackends('split axis 0 uneven', () => tf.split(x(), [1, 5], 0), 0, 0);
  const w = randn(rng, [6, 40, 7]);
  compareBackends('concat last axis', () => tf.concat([x(), tf.tensor(w, [6, 40, 7]), x()], 2), 0, 0);
  compareBackends('concat axis 0', () => tf.concat([x(), x()], 0), 0, 0);
  compareBackends('concat with an empty part', () => tf.concat([x(), tf.zeros([6, 0, 30])], 1), 0, 0);
});

test('tile and broadcastTo match cpu', { skip }, () => {
  const rng = new Rng(43);
  const v = randn(rng, [3, 1, 40]);
  compareBackends('tile', () => tf.tile(tf.tensor(v, [3, 1, 40]), [2, 5, 3]), 0, 0);
  compareBackends('tile last axis only', () => tf.tile(tf.tensor(v, [3, 1, 40]), [1, 1, 7]), 0, 0);
  compareBackends('broadcastTo', () => tf.broadcastTo(tf.tensor(v, [3, 1, 40]), [2, 3, 16, 40]), 0, 0);
  compareBackends('tile 1-d', () => tf.tile(tf.tensor(v.slice(0, 40), [40]), [30]), 0, 0);
});

test('gather and its gradient (unsorted segment sum) match cpu', { skip }, () => {
  const rng = new Rng(42);
  const table = randn(rng, [50, 64]);
  const idx = Int32Array.from({ length: 300 }, (_, i) => (i * 37) % 50);
  compareBackends('gather rows', () => tf.gather(tf.tensor(table, [50, 64]), tf.tensor1d(idx, 'int32')), 0, 0);
  compareBackends('gather axis 1', () => tf.gather(tf.tensor(table, [50, 64]), tf.tensor1d(idx.map((i) => i % 64), 'int32'), 1), 0, 0);
  compareBackends('gather 2-d indices', () => tf.gather(tf.tensor(table, [50, 64]), tf.tensor2d(idx, [20, 15], 'int32')), 0, 0);
  const b = randn(rng, [4, 50, 16]);
  const bi = Int32Array.from({ length: 4 * 30 }, (_, i) => (i * 7) % 50);
  compareBackends('gather batchDims=1', () => tf.gather(tf.tensor(b, [4, 50, 16]), tf.tensor2d(bi, [4, 30], 'int32'), 1, 1), 0, 0);
  compareBackends('embedding gradient', () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(idx, 'int32')), tf.range(0, 64))))(tf.tensor(table, [50, 64])), 1e-5, 1e-4);
});

test('gather rejects an out-of-range index clearly', { skip }, () => {
  const idx = Int32Array.from({ length: 100 }, (_, i) => i % 50);
  idx[77] = 50;
  assert.throws(() => runOn('native', () => tf.gather(tf.ones([50, 64]), tf.tensor1d(idx, 'int32'))), /gather index 50 is not in \[0, 50\)/);
});
