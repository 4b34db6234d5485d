import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { compileRouting } from './compile.js';
import { applyHook, type HookedModel, type Hooks } from './hooks.js';
import { parseRoutingSpec, serializeRoutingSpec, validateRoutingSpec, type RoutingSpec } from './spec.js';
import { tokenWeightsFromFrequencies } from './token-weights.js';

before(async () => {
  await initBackend();
});

const HOOKS = ['embed.hook_out', 'blocks.0.hook_resid_post', 'hook_code'];
const PARAMS = ['encoder.trunk.layers.0.weight', 'encoder.head_first.weight', 'decoder.layers.0.weight'];
const targets = { hookNames: HOOKS, paramNames: PARAMS };

function rows(values: Float32Array, D: number): number[][] {
  return Array.from({ length: values.length / D }, (_, i) => Array.from(values.subarray(i * D, (i + 1) * D)));
}

test('label rules give per-example masks over chosen dims; unmatched examples keep gradient 1', () => {
  const spec: RoutingSpec = {
    version: 1,
    rules: [
      { name: 'low', match: { labels: [0, 1] }, hooks: [{ hook: 'hook_code', dims: [{ start: 0, end: 2 }] }] },
      { name: 'high', match: { labels: [2] }, hooks: [{ hook: 'hook_code', dims: [{ start: -2, end: 4, weight: 0.5 }, { indices: [0] }], weight: -1, elsewhere: 0.1 }] },
      { name: 'shadowed', match: { labels: [0] }, hooks: [{ hook: 'hook_code', weight: 7 }] },
    ],
  };
  const c = compileRouting(spec, { batchSize: 4, labels: [0, 2, 3, -1] }, targets);
  const m = c.maskFor('hook_code', [4, 4])!;
  assert.deepEqual(m.shape, [4, 4]);
  const r = rows(m.values, 4).map((row) => row.map((v) => Math.round(v * 1e6) / 1e6));
  assert.deepEqual(r, [
    [1, 1, 0, 0],
    [-1, 0.1, 0.5, 0.5],
    [1, 1, 1, 1],
    [1, 1, 1, 1],
  ]);
  assert.equal(c.maskFor('embed.hook_out', [4, 4]), null);
  assert.equal(c.paramGroups.length, 1);
});

test('token, concept, whole-sequence and frequency-weighted rules give per-token masks', () => {
  const spec: RoutingSpec = {
    version: 1,
    concepts: { forest: [7, 8] },
    rules: [
      { match: { concept: 'forest' }, hooks: [{ hook: 'blocks.0.hook_resid_post', dims: [{ indices: [1] }] }] },
      { match: { sequencesContaining: { tokens: [9] } }, hooks: [{ hook: 'blocks.0.hook_resid_post', dims: [{ indices: [0] }] }] },
      { match: { tokenWeights: { '3': 0.25 } }, strength: 0.8, hooks: [{ hook: 'embed.hook_out', elsewhere: 0, dims: [{ start: 1, end: 2 }] }] },
    ],
  };
  // batch of 2 sequences of 3 tokens; sequence 1 contains token 9
  const batch = { batchSize: 2, tokens: [7, 3, 1, 2, 9, 8], seqLen: 3 };
  const c = compileRouting(spec, batch, targets);
  const m = c.maskFor('blocks.0.hook_resid_post', [2, 3, 2])!;
  assert.deepEqual(m.shape, [2, 3, 2]);
  assert.deepEqual(rows(m.values, 2), [
    [0, 1], // 7: forest
    [1, 1], // 3: unmatched
    [1, 1], // 1: unmatched
    [1, 0], // sequence with 9: whole sequence
    [1, 0],
    [0, 1], // 8: forest comes first in rule order
  ]);
  // token 3 has strength 0.8 * 0.25 = 0.2: mask = 0.2 * [0, 1] + 0.8
  const e = c.maskFor('embed.hook_out', [2, 3, 2])!;
  assert.deepEqual(rows(e.values, 2)[1].map((v) => Math.round(v * 1e6) / 1e6), [0.8, 1]);
  assert.deepEqual(rows(e.values, 2)[0], [1, 1]);
  // an attention-style activation [B, T, H, D] gets a mask broadcast over heads
  assert.deepEqual(c.maskFor('blocks.0.hook_resid_post', [2, 3, 4, 2])!.shape, [2, 3, 1, 2]);
});

class ToyModel implements HookedModel {
  constructor(readonly w: tf.Variable) {}
  hookNames() {
    return HOOKS;
  }
  runWithHooks(x: Tensor, hooks: Hooks): Tensor {
    const h = applyHook(hooks, 'embed.hook_out', tf.matMul(x, this.w));
    return applyHook(hooks, 'hook_code', tf.tanh(h));
  }
}

test('compiled hooks route gradients of any hooked model without changing its forward pass', () => {
  const w = tf.variable(tf.tensor2d([[0.5, -1, 0.2], [0.3, 0.8, -0.6]]));
  const model = new ToyModel(w);
  const x = tf.tensor2d([[1, 2], [-1, 0.5]]);
  const spec: RoutingSpec = { version: 1, rules: [{ match: { labels: [1] }, hooks: [{ hook: 'hook_code', dims: [{ indices: [2] }], weight: 0.5 }] }] };
  const c = compileRouting(spec, { batchSize: 2, labels: [1, 0] }, targets);
  const plain = model.runWithHooks(x, {}).dataSync();
  assert.deepEqual(Array.from(model.runWithHooks(x, c.hooks).dataSync()), Array.from(plain));
  const g = tf.variableGrads(() => tf.sum(model.runWithHooks(x, c.hooks)), [w]).grads[w.name].dataSync();
  const mask = tf.tensor2d([[0, 0, 0.5], [1, 1, 1]]);
  const ref = tf.variableGrads(() => tf.sum(tf.mul(tf.tanh(tf.matMul(x, w)), mask)), [w]).grads[w.name].dataSync();
  Array.from(g).forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-6, `grad ${i}: ${v} vs ${ref[i]}`));
});

test('specs round-trip through JSON and compile to the same masks', () => {
  const spec: RoutingSpec = {
    version: 1,
    concepts: { c: [1, 2] },
    rules: [
      { name: 'a', match: { concept: 'c' }, strength: 0.5, hooks: [{ hook: 'embed.hook_out', dims: [{ start: 0, end: 1 }], weight: 2, elsewhere: -0.5 }] },
      { name: 'b', match: { labels: [1] }, params: { groups: ['encoder.**'], weight: 1, elsewhere: 0 } },
    ],
  };
  const text = serializeRoutingSpec(spec);
  const back = parseRoutingSpec(text, targets);
  assert.deepEqual(back, spec);
  const batch = { batchSize: 2, labels: [1, 0], tokens: [1, 5, 2, 2], seqLen: 2 };
  assert.deepEqual(compileRouting(back, batch, targets).maskFor('embed.hook_out', [2, 2, 3]), compileRouting(spec, batch, targets).maskFor('embed.hook_out', [2, 2, 3]));
});

test('bad specs are clear errors naming the field', () => {
  const rule = (r: object) => ({ version: 1, rules: [r] });
  const bad: [unknown, RegExp][] = [
    [rule({ match: { labels: [1] }, hooks: [{ hook: 'blocks.9.hook_x' }] }), /unknown hook point "blocks.9.hook_x"; valid hook points: embed.hook_out, blocks.0.hook_resid_post, hook_code/],
    [rule({ match: { labels: [1] }, hooks: [{ hook: 'hook_code', dims: [{ start: 0 }] }] }), /rules\[0\]\.hooks\[0\]\.dims\[0\]\.end: expected a finite number, got nothing/],
    [rule({ match: { labels: [1] }, hooks: [{ hook: 'hook_code', dims: [{ first: 0 }] }] }), /dims\[0\]: unknown field "first"/],
    [rule({ match: { labels: [1] }, hooks: [{ hook: 'hook_code', weight: NaN }] }), /hooks\[0\]\.weight: expected a finite number, got NaN/],
    [rule({ match: { labels: [1], tokens: [2] }, hooks: [{ hook: 'hook_code' }] }), /match: expected exactly one of .*got labels, tokens/],
    [rule({ match: { concept: 'forest' }, hooks: [{ hook: 'hook_code' }] }), /unknown concept "forest"; defined concepts: none/],
    [rule({ match: { labels: [1] } }), /needs "hooks" or "params"/],
    [rule({ match: { labels: [1] }, params: { groups: ['nope.*'] } }), /groups\[0\]: "nope\.\*" matches no parameter; parameters: encoder\.trunk/],
    [rule({ match: { tokens: [1] }, params: { groups: ['encoder.**'] } }), /parameter routing is per example/],
    [rule({ match: { tokenWeights: { '4': 1.5 } }, hooks: [{ hook: 'hook_code' }] }), /tokenWeights\["4"\]: expected <= 1, got 1\.5/],
    [{ version: 2, rules: [] }, /version: expected 1, got 2/],
  ];
  for (const [spec, re] of bad) assert.throws(() => validateRoutingSpec(spec, targets), re);
  assert.throws(() => parseRoutingSpec('{"version": 1,', targets), /routing spec: not valid JSON/);
  const ok: RoutingSpec = { version: 1, rules: [{ match: { labels: [1] }, hooks: [{ hook: 'hook_code', dims: [{ start: 0, end: 9 }] }] }] };
  const c = compileRouting(ok, { batchSize: 1, labels: [1] }, targets);
  assert.throws(() => c.maskFor('hook_code', [1, 4]), /hook point "hook_code" has width 4; range \{start: 0, end: 9\} is out of range/);
  assert.throws(() => c.maskFor('hook_code', [2, 4]), /activation shape \[2, 4\]; expected \[1, \.\.\., D\]/);
  assert.throws(() => compileRouting(ok, { batchSize: 2, labels: [1] }, targets), /1 labels for a batch of 2/);
  const tok: RoutingSpec = { version: 1, rules: [{ match: { tokens: [1] }, hooks: [{ hook: 'hook_code' }] }] };
  assert.throws(() => compileRouting(tok, { batchSize: 1, tokens: [1], seqLen: 1 }, targets).maskFor('hook_code', [1, 4]), /has no token axis/);
});

test('token weights follow relative frequency in forget vs retain data', () => {
  // forget: 1 1 1 2 ; retain: 2 2 3 3 (vocab {1,2,3}); smoothing 0
  const w = tokenWeightsFromFrequencies([1, 1, 1, 2], [2, 2, 3, 3], { smoothing: 0 });
  // token 1: pf = 3/4, pr = 0 -> 1; token 2: pf = 1/4, pr = 1/2 -> 2*(1/3)-1 < 0 -> dropped; token 3: pf = 0 -> dropped
  assert.deepEqual(w, { '1': 1 });
  const s = tokenWeightsFromFrequencies([1, 1, 1, 2], [2, 2, 3, 3], { smoothing: 1 });
  // smoothing 1: totals 4+3 = 7 each; token 1: pf = 4/7, pr = 1/7 -> 2*0.8-1 = 0.6
  assert.ok(Math.abs(s['1'] - 0.6) < 1e-12, String(s['1']));
  assert.equal(s['2'], undefined);
  assert.throws(() => tokenWeightsFromFrequencies([1.5], [1]), /token 1.5 at position 0/);
});
