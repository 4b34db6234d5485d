import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor } from '../tfjs.js';
import { Rng } from '../rng.js';
import { nativeGelu, nativeLayerNorm } from './fused-ops.js';
import { assertClose, nativeSkipReason, randn, runOn } from './testing.js';

const skip = nativeSkipReason();

// The composed definitions (as src/nn writes them), run on the cpu backend as the reference.
const geluExact = (x: Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
const geluTanh = (x: Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
function layerNormComposed(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const centered = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

test('fused GELU (exact and tanh) and its gradient match the composed ops', { skip }, () => {
  const rng = new Rng(80);
  const xv = randn(rng, [33, 70]).map((v) => v * 3), wv = randn(rng, [33, 70]);
  for (const [approximate, composed] of [['none', geluExact], ['tanh', geluTanh]] as const) {
    const run = (f: (x: Tensor) => Tensor) => () => {
      const w = tf.tensor(wv, [33, 70]);
      const loss = (x: Tensor) => tf.sum(tf.mul(f(x), w));
      const x = tf.tensor(xv, [33, 70]);
      return [f(x), tf.grad(loss)(x)];
    };
    const fused = run((x) => nativeGelu(x, approximate) as Tensor);
    assertClose(runOn('native', fused), runOn('cpu', run(composed)), `gelu ${approximate}`, 1e-4, 1e-5);
  }
});

test('fused layer norm and its gradients match the composed ops (rows of full and partial SIMD lanes)', { skip }, () => {
  const rng = new Rng(81);
  for (const D of [96, 100, 7]) {
    const rows = 48;
    const xv = randn(rng, [rows, D]).map((v) => v * 2 + 0.5), gv = randn(rng, [D]), bv = randn(rng, [D]), wv = randn(rng, [rows, D]);
    const run = (f: (x: Tensor, g: Tensor, b: Tensor) => Tensor) => () => {
      const w = tf.tensor(wv, [4, 12, D]);
      const loss = (x: Tensor, g: Tensor, b: Tensor) => tf.sum(tf.mul(f(x, g, b), w));
      const args = [tf.tensor(xv, [4, 12, D]), tf.tensor(gv, [D]), tf.tensor(bv, [D])];
      return [f(args[0], args[1], args[2]), ...tf.grads(loss)(args)];
    };
    const fused = run((x, g, b) => nativeLayerNorm(x, g, b, D, 1e-5) as Tensor);
    assertClose(runOn('native', fused), runOn('cpu', run((x, g, b) => layerNormComposed(x, g, b, 1e-5))), `layerNorm D=${D}`, 1e-3, 1e-4);
  }
});

test('the fused ops return null off the native backend and reject bad shapes', { skip }, () => {
  runOn('cpu', () => {
    assert.equal(nativeGelu(tf.ones([4]), 'tanh'), null);
    assert.equal(nativeLayerNorm(tf.ones([2, 4]), tf.ones([4]), tf.zeros([4]), 4, 1e-5), null);
    return tf.scalar(0);
  });
  assert.throws(() => runOn('native', () => nativeLayerNorm(tf.ones([2, 5]), tf.ones([4]), tf.zeros([4]), 4, 1e-5) as Tensor), /normSize 4/);
});
