import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { route, routeBlend, stopGradient } from './primitives.js';

before(async () => {
  await initBackend();
});

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const rngTensor = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);

test('route is the identity forward and scales the gradient by per-example, per-token and per-feature masks', () => {
  const rng = new Rng(1);
  const x = rngTensor(rng, [2, 3, 4]);
  const c = rngTensor(rng, [2, 3, 4]);
  const cases: [string, number[], number[]][] = [
    ['per example', [2, 1, 1], [1, -0.5]],
    ['per token', [2, 3, 1], [1, 0, 0.25, -1, 2, 0.5]],
    ['per feature', [4], [0, 1, 0.5, -2]],
    ['full', [2, 3, 4], Array.from(rng.normalArray(24))],
  ];
  const xs = x.dataSync();
  const cs = c.dataSync();
  for (const [what, shape, values] of cases) {
    const mask = tf.tensor(values, shape);
    const y = route(x, mask);
    assert.deepEqual(Array.from(y.dataSync()), Array.from(xs), `${what}: forward`);
    // L = sum(c * route(x, m)^2)  =>  dL/dx = 2 c x m (hand-derived)
    const g = tf.grad((t: Tensor) => tf.sum(tf.mul(c, tf.square(route(t, mask)))))(x).dataSync();
    const m = tf.broadcastTo(mask, [2, 3, 4]).dataSync();
    close(g, Array.from(xs, (v, i) => 2 * cs[i] * v * m[i]), 1e-5, what);
    // the reference formulation gives the same gradient
    const gBlend = tf.grad((t: Tensor) => tf.sum(tf.mul(c, tf.square(routeBlend(t, mask)))))(x).dataSync();
    close(gBlend, g, 1e-5, `${what} (blend)`);
  }
});

test('routed gradients of upstream parameters match finite differences of the blended function', () => {
  // With x = f(W) routed by m, the routed gradient at W0 is the true gradient of
  // h(W) = L(m * f(W) + (1 - m) * f(W0)), which we difference numerically in float64.
  const rng = new Rng(2);
  const [B, I, D] = [3, 4, 5];
  const X = Array.from(rng.normalArray(B * I));
  const W0 = Array.from(rng.normalArray(I * D));
  const M = [0.5, -1, 0, 2, 1, 0.3, 1, 1, 0, -0.25, 0, 0.7, 1.5, 1, 0.1];
  const f = (W: number[]) => {
    const out = new Array<number>(B * D).fill(0);
    for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) {
      let s = 0;
      for (let i = 0; i < I; i++) s += X[b * I + i] * W[i * D + d];
      out[b * D + d] = Math.tanh(s);
    }
    return out;
  };
  const f0 = f(W0);
  const L = (y: number[]) => y.reduce((s, v, i) => s + Math.sin(v) * (1 + (i % 3)), 0);
  const h = (W: number[]) => L(f(W).map((v, i) => M[i] * v + (1 - M[i]) * f0[i]));
  const eps = 1e-6;
  const fd = W0.map((_, k) => {
    const up = [...W0];
    const dn = [...W0];
    up[k] += eps;
    dn[k] -= eps;
    return (h(up) - h(dn)) / (2 * eps);
  });
  const weights = tf.tensor(Array.from({ length: B * D }, (_, i) => 1 + (i % 3)), [B, D]);
  const g = tf.grad((W: Tensor) => {
    const y = route(tf.tanh(tf.matMul(tf.tensor2d(X, [B, I]), W)), tf.tensor2d(M, [B, D]));
    return tf.sum(tf.mul(tf.sin(y), weights));
  })(tf.tensor2d(W0, [I, D])).dataSync();
  close(g, fd, 1e-3, 'dL/dW');
});

test('stopGradient passes values and no gradient', () => {
  const x = tf.tensor1d([1, -2, 3]);
  assert.deepEqual(Array.from(stopGradient(x).dataSync()), [1, -2, 3]);
  const g = tf.grad((t: Tensor) => tf.sum(tf.add(tf.mul(t, 3), tf.square(stopGradient(t)))))(x).dataSync();
  assert.deepEqual(Array.from(g), [3, 3, 3]);
});

test('route works under variableGrads inside tidy with a mask created in the loss', () => {
  const v = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
  const { grads } = tf.variableGrads(() => tf.sum(route(tf.mul(v, 2), [0, 1])), [v]);
  assert.deepEqual(Array.from(Object.values(grads)[0].dataSync()), [0, 2, 0, 2]);
});

test('bad masks are clear errors naming the shapes', () => {
  const x = tf.zeros([4, 3]);
  assert.throws(() => route(x, tf.ones([4])), /mask of shape \[4\] does not broadcast to the activation's shape \[4, 3\]/);
  assert.throws(() => route(x, tf.ones([2, 4, 3])), /mask of shape \[2, 4, 3\] does not broadcast.*\[4, 3\]/);
  assert.throws(() => route(x, tf.tensor1d([1, NaN, 0])), /mask value NaN at flat index 1 is not a finite number/);
  assert.throws(() => routeBlend(x, [1, Infinity, 0]), /routeBlend: mask value Infinity/);
});
