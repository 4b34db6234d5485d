import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { Module, ModuleList } from './module.js';
import { Linear } from './linear.js';
import { LayerNorm } from './layer-norm.js';
import { MLP } from './mlp.js';
import { ResBlock } from './res-block.js';
import { lossAndGrads } from './grads.js';
import * as init from './init.js';

before(async () => {
  await initBackend();
});

class Encoder extends Module {
  readonly layers: ModuleList<Linear>;
  readonly norm: LayerNorm;
  constructor(rng: Rng) {
    super();
    this.layers = this.registerModule('layers', new ModuleList([new Linear(4, 4, { rng }), new Linear(4, 2, { rng, bias: false })]));
    this.norm = this.registerModule('norm', new LayerNorm(2));
  }
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.layers.items[1].forward(this.layers.items[0].forward(x)));
  }
}
class Model extends Module {
  readonly encoder: Encoder;
  constructor(rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', new Encoder(rng));
  }
}

test('parameters get hierarchical names in registration order', () => {
  const m = new Model(new Rng(1));
  assert.deepEqual(m.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`), [
    'encoder.layers.0.weight:4x4', 'encoder.layers.0.bias:4', 'encoder.layers.1.weight:4x2', 'encoder.norm.weight:2', 'encoder.norm.bias:2',
  ]);
  assert.equal(m.parameterCount(), 16 + 4 + 8 + 2 + 2);
  const block = new ResBlock(2, { rng: new Rng(1) });
  assert.deepEqual(Object.keys(block.stateDict()), [
    'conv1.weight', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'bn2.weight', 'bn2.bias',
    'bn1.running_mean', 'bn1.running_var', 'bn2.running_mean', 'bn2.running_var',
  ]);
  assert.equal(block.namedParameters().length, 6, 'buffers are not parameters');
});

test('same seed gives the same initial weights; different seeds differ', () => {
  const a = new MLP([3, 5, 2], { rng: new Rng(7) }).stateDict();
  const b = new MLP([3, 5, 2], { rng: new Rng(7) }).stateDict();
  const c = new MLP([3, 5, 2], { rng: new Rng(8) }).stateDict();
  for (const n of Object.keys(a)) assert.deepEqual(a[n].dataSync(), b[n].dataSync());
  assert.notDeepEqual(a['layers.0.weight'].dataSync(), c['layers.0.weight'].dataSync());
});

test('stateDict round trip restores outputs exactly', () => {
  const src = new Model(new Rng(1));
  const dst = new Model(new Rng(2));
  const x = tf.tensor(new Rng(3).normalArray(8), [2, 4]);
  const saved = Object.fromEntries(Object.entries(src.stateDict()).map(([n, t]) => [n, tf.clone(t)]));
  dst.loadStateDict(saved);
  for (const t of Object.values(saved)) t.dispose(); // dst must not depend on the caller's tensors
  assert.deepEqual(dst.encoder.forward(x).dataSync(), src.encoder.forward(x).dataSync());
  const y = src.encoder.forward(x).dataSync();
  src.loadStateDict(src.stateDict()); // loading a model's live state into itself is harmless
  assert.deepEqual(src.encoder.forward(x).dataSync(), y);
});

test('loadStateDict reports missing, unexpected, shape and dtype problems and changes nothing', () => {
  const m = new Model(new Rng(1));
  const before = m.encoder.norm.weight!.dataSync().slice();
  const good = m.stateDict();
  const { ['encoder.norm.bias']: _dropped, ...missing } = good;
  assert.throws(() => m.loadStateDict(missing), /missing: encoder\.norm\.bias/);
  assert.throws(() => m.loadStateDict({ ...good, 'encoder.extra': tf.zeros([1]) }), /unexpected: encoder\.extra/);
  assert.throws(
    () => m.loadStateDict({ ...good, 'encoder.norm.weight': tf.ones([2]), 'encoder.layers.0.weight': tf.zeros([4, 3]) }),
    /encoder\.layers\.0\.weight: shape \[4, 3\] does not match the model's \[4, 4\]/,
  );
  assert.deepEqual(m.encoder.norm.weight!.dataSync(), before, 'a failed load must not change anything');
  assert.throws(() => m.loadStateDict({ ...good, 'encoder.norm.bias': tf.zeros([2], 'int32') }), /dtype int32 does not match the model's float32/);
  m.loadStateDict({ 'encoder.norm.weight': tf.fill([2], 3) }, { strict: false });
  assert.deepEqual([...m.encoder.norm.weight!.dataSync()], [3, 3]);
});

test('freeze removes parameters from gradients; unfreeze restores them', () => {
  const m = new Model(new Rng(1));
  const x = tf.ones([2, 4]);
  const loss = () => tf.sum(tf.square(m.encoder.forward(x))) as tf.Scalar;
  m.encoder.norm.freeze();
  const frozen = lossAndGrads(m.namedParameters(), loss);
  assert.deepEqual(Object.keys(frozen.grads).sort(), ['encoder.layers.0.bias', 'encoder.layers.0.weight', 'encoder.layers.1.weight']);
  m.encoder.norm.unfreeze();
  assert.equal(Object.keys(lossAndGrads(m.namedParameters(), loss).grads).length, 5);
  m.freeze();
  assert.throws(() => lossAndGrads(m.namedParameters(), loss), /no trainable parameters/);
});

test('dispose frees every parameter and buffer', () => {
  const before = tf.memory().numTensors;
  const block = new ResBlock(3, { rng: new Rng(1) });
  assert.equal(tf.memory().numTensors, before + 10);
  block.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('registering a duplicate or malformed name is an error', () => {
  class Bad extends Module {
    constructor(dup: boolean) {
      super();
      this.registerParameter('w', tf.zeros([1]));
      this.registerParameter(dup ? 'w' : 'a.b', tf.zeros([1]));
    }
  }
  assert.throws(() => new Bad(true), /name "w" is already registered/);
  assert.throws(() => new Bad(false), /invalid name "a\.b"/);
});

test('initialisers have the documented bounds and spreads', () => {
  const rng = new Rng(5);
  const stats = (t: Tensor) => {
    const d = t.dataSync();
    let s = 0, s2 = 0, mx = 0;
    for (const v of d) { s += v; s2 += v * v; mx = Math.max(mx, Math.abs(v)); }
    return { mean: s / d.length, std: Math.sqrt(s2 / d.length - (s / d.length) ** 2), maxAbs: mx };
  };
  const shape = [200, 300];
  const xu = stats(init.xavierUniform(rng, shape));
  const bound = Math.sqrt(6 / 500);
  assert.ok(xu.maxAbs <= bound && xu.maxAbs > 0.99 * bound);
  assert.ok(Math.abs(xu.std - bound / Math.sqrt(3)) < 0.01 * bound);
  assert.ok(Math.abs(stats(init.xavierNormal(rng, shape)).std - Math.sqrt(2 / 500)) < 0.002);
  const ku = stats(init.kaimingUniform(rng, shape));
  assert.ok(ku.maxAbs <= Math.sqrt(6 / 200) && Math.abs(ku.std - Math.sqrt(2 / 200)) < 0.002);
  assert.ok(Math.abs(stats(init.kaimingNormal(rng, shape, { mode: 'fanOut' })).std - Math.sqrt(2 / 300)) < 0.002);
  assert.ok(Math.abs(stats(init.normal(rng, shape, 0.02)).std - 0.02) < 0.0005);
  const conv = init.computeFans([3, 3, 16, 32]);
  assert.deepEqual(conv, { fanIn: 144, fanOut: 288 });
  assert.ok(stats(init.torchDefaultUniform(rng, [3, 3, 16, 32], 144)).maxAbs <= 1 / 12);
  assert.throws(() => init.computeFans([5]), /rank >= 2/);
});
