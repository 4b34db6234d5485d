import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.js';
import { nativeAdamUpdate } from './fused.js';
import { nativeSkipReason } from './testing.js';

const skip = nativeSkipReason();

test('the fused Adam/AdamW update matches the formula computed in float64', { skip }, () => {
  const rng = new Rng(60);
  const n = 100_003;
  for (const [decay, l2] of [[1 - 1e-3 * 0.01, 0], [1, 0.01]]) {
    const p = rng.normalArray(n, 0, 1), g = rng.normalArray(n, 0, 1), m = rng.normalArray(n, 0, 0.1), v = rng.normalArray(n, 0, 0.1).map(Math.abs);
    const step = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** 3), decay, l2, bc2Sqrt: Math.sqrt(1 - 0.999 ** 3) };
    const [m0, v0, out] = [m.slice(), v.slice(), new Float32Array(n)];
    assert.equal(nativeAdamUpdate(p, g, m, v, out, step), true);
    for (let i = 0; i < n; i += 97) {
      const gi = g[i] + l2 * p[i];
      const mi = 0.9 * m0[i] + 0.1 * gi;
      const vi = 0.999 * v0[i] + 0.001 * gi * gi;
      const want = p[i] * decay - (step.stepSize * mi) / (Math.sqrt(vi) / step.bc2Sqrt + step.eps);
      assert.ok(Math.abs(m[i] - mi) <= 1e-6 * (1 + Math.abs(mi)), `m[${i}]`);
      assert.ok(Math.abs(v[i] - vi) <= 1e-6 * (1 + Math.abs(vi)), `v[${i}]`);
      assert.ok(Math.abs(out[i] - want) <= 1e-6 * (1 + Math.abs(want)), `out[${i}]: ${out[i]} vs ${want}`);
    }
  }
});

test('the fused update rejects arrays of different sizes', { skip }, () => {
  const a = new Float32Array(10), b = new Float32Array(9);
  const step = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, decay: 1, l2: 0, bc2Sqrt: 0.1 };
  assert.throws(() => nativeAdamUpdate(a, b, a, a, a, step), /differ in size/);
});
