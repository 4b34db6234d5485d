import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { MLP, lossAndGrads } from '../nn/index.js';
import { compileRouting } from './compile.js';
import { paramRoutedGrads } from './param-routing.js';
import type { RoutingSpec } from './spec.js';

before(async () => {
  await initBackend();
});

test('parameter routing equals a per-example loop that masks each example\'s gradient', () => {
  const rng = new Rng(3);
  const model = new MLP([4, 5, 3], { rng, activation: 'tanh' });
  const params = model.namedParameters();
  const names = params.map(([n]) => n);
  const B = 7;
  const x = tf.tensor2d(rng.normalArray(B * 4), [B, 4]);
  const y = tf.tensor2d(rng.normalArray(B * 3), [B, 3]);
  const labels = [0, 1, 2, 0, 1, 3, 2];
  const spec: RoutingSpec = {
    version: 1,
    rules: [
      { match: { labels: [0] }, params: { groups: ['layers.0.*'] } },
      { match: { labels: [1] }, params: { groups: ['layers.1.weight'], weight: 0.5, elsewhere: -0.25 } },
      { match: { labels: [2] }, strength: 0.5, params: { groups: ['layers.*.bias'] } },
    ],
  };
  const compiled = compileRouting(spec, { batchSize: B, labels }, { hookNames: [], paramNames: names });
  assert.equal(compiled.paramGroups.length, 4, 'three routed patterns and the unrouted one');
  // per-example loss l_i = sum((f(x_i) - y_i)^2) / B, so the batch loss is the sum over examples
  const lossFor = (ind: Int32Array) => {
    const idx = Array.from(ind);
    return tf.div(tf.sum(tf.square(tf.sub(model.forward(tf.gather(x, idx)), tf.gather(y, idx)))), B) as tf.Scalar;
  };
  let calls = 0;
  const { loss, grads } = paramRoutedGrads(params, compiled.paramGroups, (ind) => {
    calls++;
    return lossFor(ind);
  });
  assert.equal(calls, 4, 'one backward pass per distinct mask pattern');

  // Reference: every example on its own, its gradient times its weights, summed.
  const weightOf = (label: number, name: string) => {
    if (label === 0) return name.startsWith('layers.0.') ? 1 : 0;
    if (label === 1) return name === 'layers.1.weight' ? 0.5 : -0.25;
    if (label === 2) return 0.5 * (name.endsWith('.bias') ? 1 : 0) + 0.5;
    return 1;
  };
  const ref: Record<string, Float64Array> = Object.fromEntries(params.map(([n, p]) => [n, new Float64Array(p.size)]));
  let refLoss = 0;
  for (let i = 0; i < B; i++) {
    const r = lossAndGrads(params, () => lossFor(Int32Array.of(i)));
    refLoss += r.loss.dataSync()[0];
    for (const [n, g] of Object.entries(r.grads)) {
      const d = g.dataSync();
      for (let k = 0; k < d.length; k++) ref[n][k] += weightOf(labels[i], n) * d[k];
    }
  }
  assert.ok(Math.abs(loss.dataSync()[0] - refLoss) < 1e-5);
  for (const n of names) {
    const got = grads[n].dataSync();
    for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k] - ref[n][k]) < 1e-5, `${n}[${k}]: ${got[k]} vs ${ref[n][k]}`);
  }
});

test('a parameter no group reaches gets no gradient entry, and missing weights are errors', () => {
  const model = new MLP([2, 2], { rng: new Rng(1) });
  const params = model.namedParameters();
  const x = tf.ones([2, 2]);
  const groups = [{ indices: Int32Array.of(0, 1), weights: { 'layers.0.weight': 1, 'layers.0.bias': 0 } }];
  const r = paramRoutedGrads(params, groups, () => tf.sum(model.forward(x)) as tf.Scalar);
  assert.deepEqual(Object.keys(r.grads), ['layers.0.weight']);
  assert.throws(
    () => paramRoutedGrads(params, [{ indices: Int32Array.of(0), weights: { 'layers.0.weight': 1 } }], () => tf.sum(model.forward(x)) as tf.Scalar),
    /no finite weight for parameter "layers.0.bias"/,
  );
});
