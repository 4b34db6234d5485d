// Autodiff gradients of Linear, LayerNorm, Conv2d, GELU (exact and tanh) and BatchNorm2d against
// central finite differences of a random projection of the output.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import type { Tensor, Variable } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { Linear } from './linear.js';
import { LayerNorm } from './layer-norm.js';
import { Conv2d } from './conv2d.js';
import { BatchNorm2d } from './batch-norm.js';
import { gelu, geluTanh } from './activations.js';
import { lossAndGrads } from './grads.js';
import type { Module } from './module.js';

before(async () => {
  await initBackend();
});

const EPS = 1e-2;

/**
 * Checks d loss / d v for the input and every parameter, where loss = sum(forward(x) * proj),
 * against (loss(v + eps) - loss(v - eps)) / (2 eps) at every coordinate.
 */
function checkGradients(label: string, forward: (x: Tensor) => Tensor, x: Tensor, params: [string, Variable][], rng: Rng): void {
  const xVar = tf.variable(x, true);
  const outShape = tf.tidy(() => forward(x).shape);
  const proj = tf.tensor(rng.normalArray(outShape.reduce((a, b) => a * b, 1)), outShape);
  const all: [string, Variable][] = [['input', xVar], ...params];
  const lossOf = () => tf.sum(tf.mul(forward(xVar), proj)) as tf.Scalar;
  const { loss, grads } = lossAndGrads(all, lossOf);
  loss.dispose();
  for (const [name, v] of all) {
    const analytic = grads[name].dataSync();
    const base = v.dataSync().slice();
    const numeric = new Float32Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number) => {
        const moved = base.slice();
        moved[i] += delta;
        v.assign(tf.tensor(moved, v.shape));
        return tf.tidy(() => lossOf().dataSync()[0]);
      };
      numeric[i] = (at(EPS) - at(-EPS)) / (2 * EPS);
    }
    v.assign(tf.tensor(base, v.shape));
    for (let i = 0; i < base.length; i++) {
      const err = Math.abs(analytic[i] - numeric[i]);
      assert.ok(err < 3e-3 + 1e-2 * Math.abs(numeric[i]), `${label} d/d${name}[${i}]: autodiff ${analytic[i]} vs finite difference ${numeric[i]}`);
    }
  }
  xVar.dispose();
}

function randn(rng: Rng, shape: number[], std = 1): Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, std), shape);
}

function randomizeParams(m: Module, rng: Rng): void {
  for (const [, p] of m.namedParameters()) p.assign(randn(rng, p.shape, 0.7));
}

test('Linear gradients match finite differences', () => {
  const rng = new Rng(11);
  const lin = new Linear(3, 4, { rng });
  checkGradients('Linear', (x) => lin.forward(x), randn(rng, [2, 2, 3]), lin.namedParameters(), rng);
});

test('LayerNorm gradients match finite differences', () => {
  const rng = new Rng(12);
  const ln = new LayerNorm(5);
  randomizeParams(ln, rng);
  checkGradients('LayerNorm', (x) => ln.forward(x), randn(rng, [3, 5]), ln.namedParameters(), rng);
});

test('Conv2d gradients match finite differences (same, stride 2)', () => {
  const rng = new Rng(13);
  const conv = new Conv2d(2, 3, 3, { rng, stride: 2 });
  checkGradients('Conv2d', (x) => conv.forward(x), randn(rng, [1, 5, 4, 2]), conv.namedParameters(), rng);
});

test('GELU (exact and tanh) gradients match finite differences', () => {
  const rng = new Rng(14);
  checkGradients('gelu', gelu, randn(rng, [12], 2), [], rng);
  checkGradients('geluTanh', geluTanh, randn(rng, [12], 2), [], rng);
});

test('BatchNorm2d training-mode gradients match finite differences', () => {
  const rng = new Rng(15);
  const bn = new BatchNorm2d(2);
  randomizeParams(bn, rng);
  checkGradients('BatchNorm2d', (x) => bn.forward(x), randn(rng, [2, 2, 2, 2]), bn.namedParameters(), rng);
});
