import { test } from 'node:test';
import { tf } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { compareBackends, nativeSkipReason, randn } from '../testing.js';

const skip = nativeSkipReason();

test('unary math matches cpu on normal values, extremes and NaN', { skip }, () => {
  const rng = new Rng(20);
  const n = 5000;
  const v = randn(rng, [n]);
  for (let i = 0; i < 200; i++) v[i] *= 40; // large magnitudes: overflow/underflow paths
  v[200] = NaN;
  v[201] = 0;
  v[202] = -0;
  v[203] = 100;
  v[204] = -100;
  const pos = v.map(Math.abs);
  const ops: [string, (x: tf.Tensor) => tf.Tensor, boolean][] = [
    ['neg', tf.neg, false], ['abs', tf.abs, false], ['exp', tf.exp, false], ['square', tf.square, false],
    ['tanh', tf.tanh, false], ['sigmoid', tf.sigmoid, false], ['relu', tf.relu, false], ['relu6', tf.relu6, false],
    ['step', (x) => tf.step(x, 0.25), false], ['erf', tf.erf, false], ['elu', tf.elu, false],
    ['leakyRelu', (x) => tf.leakyRelu(x, 0.1), false], ['expm1', tf.expm1, false],
    ['log', tf.log, true], ['sqrt', tf.sqrt, true], ['rsqrt', tf.rsqrt, true], ['reciprocal', tf.reciprocal, true], ['log1p', tf.log1p, true],
  ];
  for (const [name, op, positive] of ops) {
    const data = positive ? pos : v;
    compareBackends(`${name}`, () => op(tf.tensor(data, [50, 100])), 2e-6, 1e-6);
  }
});
