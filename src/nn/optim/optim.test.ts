// Optimizer updates against torch.optim (same initial weights, same gradients, per-step learning
// rates and a no-decay parameter group), state save/restore, memory and gradient clipping.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../engine/tfjs.js';
import type { Tensor, Variable } from '../../engine/tfjs.js';
import { initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { SGD } from './sgd.js';
import { Adam, AdamW } from './adam.js';
import { isBiasOrNormParam, type Optimizer, type BaseOptions } from './optimizer.js';
import { clipGradsByGlobalNorm, globalNorm } from '../grads.js';
import { maxAbsDiff, runTorch, torchUnavailableReason } from '../testing/torch-peer.js';

const TORCH_SCRIPT = String.raw`
import json, sys, torch
torch.set_num_threads(1)
spec = json.load(sys.stdin)
out = {}
for name, c in spec['cases'].items():
    w = torch.tensor(spec['w0'], dtype=torch.float32).reshape(spec['wshape']).requires_grad_()
    b = torch.tensor(spec['b0'], dtype=torch.float32).requires_grad_()
    groups = [{'params': [w]}, {'params': [b], 'weight_decay': 0.0}]
    kw = c['kwargs']
    opt = {'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW}[c['type']](groups, lr=1.0, **kw)
    for t, lr in enumerate(spec['lrs']):
        w.grad = torch.tensor(spec['gw'][t], dtype=torch.float32).reshape(spec['wshape'])
        b.grad = torch.tensor(spec['gb'][t], dtype=torch.float32)
        opt.param_groups[0]['lr'] = lr
        opt.param_groups[1]['lr'] = lr * spec['bias_lr_scale']
        opt.step()
    out[name] = w.detach().flatten().tolist() + b.detach().tolist()
print(json.dumps(out))
`;

const STEPS = 5;
const rng = new Rng(99);
const wshape = [3, 4];
const w0 = rng.normalArray(12);
const b0 = rng.normalArray(4);
const gw = Array.from({ length: STEPS }, () => rng.normalArray(12));
const gb = Array.from({ length: STEPS }, () => rng.normalArray(4));
const LRS = [0.1, 0.05, 0.08, 0.02, 0.03];
const BIAS_LR_SCALE = 0.5;

type Factory = (params: [string, Variable][]) => Optimizer<BaseOptions>;
const noDecayBias = [{ match: isBiasOrNormParam, options: { weightDecay: 0, lrScale: BIAS_LR_SCALE } }];
const CASES: Record<string, { make: Factory; torch: { type: string; kwargs: Record<string, unknown> } }> = {
  sgd_momentum: {
    make: (p) => new SGD(p, { lr: 1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, groups: noDecayBias }),
    torch: { type: 'SGD', kwargs: { momentum: 0.9, dampening: 0.1, weight_decay: 0.01 } },
  },
  sgd_nesterov: {
    make: (p) => new SGD(p, { lr: 1, momentum: 0.8, nesterov: true, weightDecay: 0.05, groups: noDecayBias }),
    torch: { type: 'SGD', kwargs: { momentum: 0.8, nesterov: true, weight_decay: 0.05 } },
  },
  adam: {
    make: (p) => new Adam(p, { lr: 1, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.05, groups: noDecayBias }),
    torch: { type: 'Adam', kwargs: { betas: [0.8, 0.95], eps: 1e-6, weight_decay: 0.05 } },
  },
  adamw: {
    make: (p) => new AdamW(p, { lr: 1, weightDecay: 0.1, groups: noDecayBias }),
    torch: { type: 'AdamW', kwargs: { weight_decay: 0.1 } },
  },
};

function makeParams(): [string, Variable][] {
  return [['layer.weight', tf.variable(tf.tensor(w0, wshape))], ['layer.bias', tf.variable(tf.tensor(b0, [4]))]];
}

function gradsAt(t: number): Record<string, Tensor> {
  return { 'layer.weight': tf.tensor(gw[t], wshape), 'layer.bias': tf.tensor(gb[t], [4]) };
}

/** Runs steps [from, to) and returns the parameters' values. */
function runSteps(opt: Optimizer<BaseOptions>, params: [string, Variable][], from: number, to: number): Float32Array {
  for (let t = from; t < to; t++) {
    const g = gradsAt(t);
    opt.lr = LRS[t];
    opt.step(g);
    for (const x of Object.values(g)) x.dispose();
  }
  return Float32Array.from([...params[0][1].dataSync(), ...params[1][1].dataSync()]);
}

const skip = torchUnavailableReason();
let torchOut: Record<string, number[]> = {};

before(async () => {
  await initBackend();
  if (!skip) {
    const cases = Object.fromEntries(Object.entries(CASES).map(([n, c]) => [n, c.torch]));
    torchOut = runTorch(TORCH_SCRIPT, { cases, w0: [...w0], b0: [...b0], wshape, gw: gw.map((g) => [...g]), gb: gb.map((g) => [...g]), lrs: LRS, bias_lr_scale: BIAS_LR_SCALE });
  }
});

for (const [name, c] of Object.entries(CASES)) {
  test(`${name}: ${STEPS} steps match torch.optim to 1e-5`, { skip: skip ?? false }, () => {
    const params = makeParams();
    const ours = runSteps(c.make(params), params, 0, STEPS);
    const diff = maxAbsDiff(ours, torchOut[name]);
    assert.ok(diff < 1e-5, `${name}: max |ours - torch| = ${diff}`);
    assert.ok(maxAbsDiff(ours, [...w0, ...b0]) > 1e-3, 'parameters must have moved');
  });

  test(`${name}: getState/setState mid-run continues bit for bit`, () => {
    const pa = makeParams();
    const straight = runSteps(c.make(pa), pa, 0, STEPS);
    const pb = makeParams();
    const first = c.make(pb);
    runSteps(first, pb, 0, 3);
    const saved = first.getState();
    const json = JSON.parse(JSON.stringify(saved.json));
    first.dispose();
    const second = c.make(pb);
    second.setState({ tensors: saved.tensors, json });
    for (const t of Object.values(saved.tensors)) t.dispose(); // setState keeps its own copy
    assert.deepEqual(runSteps(second, pb, 3, STEPS), straight);
  });

  test(`${name}: steps leak no tensors`, () => {
    const params = makeParams();
    const opt = c.make(params);
    runSteps(opt, params, 0, 2); // creates the state tensors
    const before = tf.memory().numTensors;
    runSteps(opt, params, 2, STEPS);
    assert.equal(tf.memory().numTensors, before);
  });
}

test('group options apply by predicate; setState rejects mismatched state', () => {
  const params = makeParams();
  const opt = new AdamW(params, { lr: 0.1, groups: noDecayBias });
  assert.equal(opt.optionsFor('layer.weight').weightDecay, 0.01);
  assert.equal(opt.optionsFor('layer.bias').weightDecay, 0);
  runSteps(opt, params, 0, 1);
  const state = opt.getState();
  assert.deepEqual(Object.keys(state.tensors).sort(), ['exp_avg.layer.bias', 'exp_avg.layer.weight', 'exp_avg_sq.layer.bias', 'exp_avg_sq.layer.weight']);
  assert.deepEqual(state.json.steps, { 'layer.weight': 1, 'layer.bias': 1 });
  assert.throws(() => new SGD(params, { lr: 0.1 }).setState(state), /state is for optimizer "AdamW", not "SGD"/);
  assert.throws(() => opt.setState({ tensors: { 'exp_avg.layer.weight': tf.zeros([2, 2]) }, json: state.json }), /"exp_avg\.layer\.weight" has shape \[2, 2\], parameter has \[3, 4\]/);
  assert.throws(() => opt.setState({ tensors: { 'exp_avg.nope': tf.zeros([1]) }, json: state.json }), /unexpected state tensor "exp_avg\.nope"/);
  assert.throws(() => opt.step({ nope: tf.zeros([1]) }), /gradient for unknown parameter "nope"/);
  assert.throws(() => opt.step({ 'layer.bias': tf.zeros([3]) }), /gradient for "layer\.bias" has shape \[3\], parameter has \[4\]/);
  assert.throws(() => new SGD(params, { lr: -1 }), /learning rate must be a finite number >= 0/);
  opt.lr = NaN;
  assert.throws(() => opt.step(gradsAt(1)), /AdamW: learning rate must be a finite number >= 0, got NaN/);
  assert.throws(() => new Adam(params, { lr: 0.1, beta1: 1 }), /beta1 for "layer\.weight" must be in \[0, 1\)/);
  assert.throws(() => new SGD(params, { lr: 0.1, nesterov: true }), /nesterov .* needs momentum > 0/);
});

test('frozen parameters and parameters without a gradient are not updated', () => {
  const params = makeParams();
  const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
  params[1][1].trainable = false;
  opt.step(gradsAt(0));
  assert.deepEqual(params[1][1].dataSync(), b0);
  const w1 = params[0][1].dataSync().slice();
  params[1][1].trainable = true;
  opt.step({ 'layer.bias': tf.tensor(gb[1], [4]) });
  assert.deepEqual(params[0][1].dataSync(), w1);
});

test('clipGradsByGlobalNorm scales like torch clip_grad_norm_ and leaves small gradients alone', () => {
  const g = { a: tf.tensor([3, 0]), b: tf.tensor([[4]]) };
  assert.equal(globalNorm(g), 5);
  const clipped = clipGradsByGlobalNorm(g, 1);
  assert.equal(clipped.totalNorm, 5);
  const coef = 1 / (5 + 1e-6);
  assert.deepEqual([...clipped.grads.a.dataSync()], [Math.fround(3 * coef), 0]);
  assert.ok(Math.abs(globalNorm(clipped.grads) - 1) < 1e-6);
  assert.deepEqual([...clipGradsByGlobalNorm(g, 10).grads.b.dataSync()], [4]);
  assert.deepEqual([...g.a.dataSync()], [3, 0], 'input gradients are untouched');
});
