import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { compareBackends, nativeSkipReason, randn, runOn } from '../testing.js';

const skip = nativeSkipReason();

type Shape4 = [number, number, number, number];
const CASES: [Shape4, number | [number, number], number | [number, number], 'same' | 'valid'][] = [
  [[2, 8, 8, 16], 2, 2, 'valid'], [[2, 9, 9, 5], 3, 2, 'same'], [[1, 19, 19, 32], 3, 1, 'same'], [[3, 7, 10, 4], [2, 3], [1, 2], 'valid'],
];

test('max and average pooling match cpu', { skip }, () => {
  const rng = new Rng(70);
  for (const [shape, f, s, pad] of CASES) {
    const v = randn(rng, shape);
    compareBackends(`maxPool [${shape}] f=${f} s=${s} ${pad}`, () => tf.maxPool(tf.tensor4d(v, shape), f, s, pad), 0, 0);
    compareBackends(`avgPool [${shape}] f=${f} s=${s} ${pad}`, () => tf.avgPool(tf.tensor4d(v, shape), f, s, pad), 1e-6, 1e-6);
    const outShape = runOn('cpu', () => tf.maxPool(tf.tensor4d(v, shape), f, s, pad))[0].shape;
    const w = randn(rng, outShape);
    const loss = (pool: typeof tf.maxPool) => (x: tf.Tensor) => tf.sum(tf.mul(pool(x as tf.Tensor4D, f, s, pad), tf.tensor(w, outShape)));
    compareBackends(`maxPool grad [${shape}]`, () => tf.grad(loss(tf.maxPool))(tf.tensor4d(v, shape)), 1e-5, 1e-5);
    // tfjs-backend-cpu's avgPool gradient is only right where no padding clips the window.
    if (pad === 'valid') compareBackends(`avgPool grad [${shape}]`, () => tf.grad(loss(tf.avgPool))(tf.tensor4d(v, shape)), 1e-5, 1e-5);
  }
});

test('the average-pooling gradient matches finite differences where padding clips windows', { skip }, () => {
  const rng = new Rng(71);
  const shape: Shape4 = [1, 5, 5, 2];
  const v = randn(rng, shape), w = randn(rng, [1, 3, 3, 2]);
  const loss = (x: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'), tf.tensor4d(w, [1, 3, 3, 2])));
  const [g] = runOn('native', () => tf.grad(loss)(tf.tensor4d(v, shape)));
  const value = (x: Float32Array) => runOn('native', () => loss(tf.tensor4d(x, shape)))[0].values[0];
  for (const i of [0, 7, 24, 49]) {
    const plus = v.slice(), minus = v.slice();
    plus[i] += 1e-2;
    minus[i] -= 1e-2;
    const fd = (value(plus) - value(minus)) / 2e-2;
    assert.ok(Math.abs(fd - g.values[i]) < 1e-3, `d/dx[${i}]: ${g.values[i]} vs ${fd}`);
  }
});
