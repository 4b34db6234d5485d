// Every layer's forward pass against PyTorch (one python run for the whole file), plus shape and
// input checks that need no reference.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { Linear } from './linear.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { MLP } from './mlp.js';
import { Conv2d } from './conv2d.js';
import { BatchNorm2d } from './batch-norm.js';
import { ResBlock } from './res-block.js';
import type { Module } from './module.js';
import { ACTIVATIONS, softmax, logSoftmax } from './activations.js';
import { maxAbsDiff, runTorch, torchUnavailableReason } from './testing/torch-peer.js';

const TORCH_SCRIPT = String.raw`
import json, sys, torch
import torch.nn.functional as F
torch.set_num_threads(1)
cases = json.load(sys.stdin)
def T(a, shape): return torch.tensor(a, dtype=torch.float64).reshape(shape)
def nchw(x): return x.permute(0, 3, 1, 2)
def nhwc(x): return x.permute(0, 2, 3, 1)
def w_oihw(w): return w.permute(3, 2, 0, 1)
def tf_same_pad(x, k, s):
    # TensorFlow 'same': total = max((ceil(n/s)-1)*s + k - n, 0), extra pixel at bottom/right.
    h, w = x.shape[2], x.shape[3]
    def tot(n, k, s): return max((-(-n // s) - 1) * s + k - n, 0)
    th, tw = tot(h, k[0], s[0]), tot(w, k[1], s[1])
    return F.pad(x, (tw // 2, tw - tw // 2, th // 2, th - th // 2))
def conv(x, c):
    w = w_oihw(T(c['weight'], c['wshape']))
    xx = nchw(x)
    if c['padding'] == 'same': xx = tf_same_pad(xx, c['wshape'][:2], c['stride'])
    b = T(c['bias'], [-1]) if c.get('bias') is not None else None
    return nhwc(F.conv2d(xx, w, b, stride=c['stride']))
def bn(x, p, training):
    rm, rv = T(p['running_mean'], [-1]).clone(), T(p['running_var'], [-1]).clone()
    y = F.batch_norm(nchw(x), rm, rv, T(p['weight'], [-1]), T(p['bias'], [-1]), training=training, momentum=0.1, eps=1e-5)
    return nhwc(y), rm, rv
out = {}
for name, c in cases.items():
    k = c['kind']
    x = T(c['x'], c['xshape']) if 'x' in c else None
    if k == 'linear':
        y = F.linear(x, T(c['weight'], c['wshape']).t(), T(c['bias'], [-1]))
    elif k == 'embedding':
        y = F.embedding(torch.tensor(c['ids']).reshape(c['idshape']), T(c['weight'], c['wshape']))
    elif k == 'layernorm':
        y = F.layer_norm(x, c['nshape'], T(c['weight'], c['nshape']), T(c['bias'], c['nshape']), eps=c['eps'])
    elif k == 'act':
        f = {'relu': F.relu, 'gelu': F.gelu, 'gelu_tanh': lambda v: F.gelu(v, approximate='tanh'), 'silu': F.silu,
             'tanh': torch.tanh, 'sigmoid': torch.sigmoid, 'identity': lambda v: v,
             'softmax': lambda v: F.softmax(v, dim=-1), 'log_softmax': lambda v: F.log_softmax(v, dim=-1),
             'softmax0': lambda v: F.softmax(v, dim=0)}[c['fn']]
        y = f(x)
    elif k == 'mlp':
        y = x
        for i, (w, ws, b) in enumerate(c['layers']):
            y = F.linear(y, T(w, ws).t(), T(b, [-1]))
            if i < len(c['layers']) - 1: y = F.gelu(y)
        y = torch.tanh(y)
    elif k == 'conv':
        y = conv(x, c)
    elif k == 'batchnorm':
        ytrain, rm, rv = bn(x, c, True)
        yeval, _, _ = bn(x, {**c, 'running_mean': rm.tolist(), 'running_var': rv.tolist()}, False)
        y = torch.cat([ytrain.flatten(), rm, rv, yeval.flatten()])
    elif k == 'resblock':
        p = c['params']
        def cv(h, n): return conv(h, {'weight': p[n + '.weight'], 'wshape': c['wshape'], 'padding': 'same', 'stride': [1, 1]})
        def bnp(h, n): return bn(h, {s: p[n + '.' + s] for s in ['weight', 'bias', 'running_mean', 'running_var']}, True)[0]
        if c['pre']:
            h = cv(F.relu(bnp(x, 'bn1')), 'conv1')
            y = x + cv(F.relu(bnp(h, 'bn2')), 'conv2')
        else:
            h = F.relu(bnp(cv(x, 'conv1'), 'bn1'))
            y = F.relu(x + bnp(cv(h, 'conv2'), 'bn2'))
    out[name] = y.flatten().tolist()
print(json.dumps(out))
`;

type Case = Record<string, unknown> & { kind: string };
const cases: Record<string, Case> = {};
const ours: Record<string, Float32Array> = {};
let torchOut: Record<string, number[]> | null = null;
const skip = torchUnavailableReason();

const rng = new Rng(2024);
const arr = (t: Tensor) => Array.from(t.dataSync());
function randn(shape: number[], std = 1): Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, std), shape);
}
/** Replaces every parameter and buffer with random values (positive for variances). */
function randomize(m: Module): Record<string, number[]> {
  const state: Record<string, Tensor> = {};
  for (const [n, t] of Object.entries(m.stateDict())) {
    state[n] = n.endsWith('running_var') ? tf.add(tf.abs(randn(t.shape)), 0.5) : randn(t.shape, 0.5);
  }
  m.loadStateDict(state);
  return Object.fromEntries(Object.entries(state).map(([n, t]) => [n, arr(t)]));
}
function record(name: string, c: Case, y: Tensor): void {
  cases[name] = c;
  ours[name] = y.dataSync() as Float32Array;
}

before(async () => {
  await initBackend();
  // Linear over the last axis of a rank-3 input.
  {
    const lin = new Linear(4, 5, { rng });
    const x = randn([2, 3, 4]);
    const y = lin.forward(x);
    assert.deepEqual(y.shape, [2, 3, 5]);
    record('linear', { kind: 'linear', x: arr(x), xshape: x.shape, weight: arr(lin.weight), wshape: lin.weight.shape, bias: arr(lin.bias!) }, y);
  }
  {
    const emb = new Embedding(7, 4, { rng });
    const ids = tf.tensor([[0, 6, 3], [3, 1, 2]], [2, 3], 'int32');
    const y = emb.forward(ids);
    assert.deepEqual(y.shape, [2, 3, 4]);
    record('embedding', { kind: 'embedding', ids: arr(ids), idshape: ids.shape, weight: arr(emb.weight), wshape: emb.weight.shape }, y);
  }
  for (const nshape of [[6], [3, 6]]) {
    const ln = new LayerNorm(nshape, { eps: 1e-5 });
    const p = randomize(ln);
    const x = randn([2, 3, 6], 2);
    record(`layernorm${nshape.length}`, { kind: 'layernorm', x: arr(x), xshape: x.shape, nshape, eps: 1e-5, weight: p.weight, bias: p.bias }, ln.forward(x));
  }
  {
    const x = randn([3, 5], 2);
    for (const [fn, f] of Object.entries(ACTIVATIONS)) record(`act_${fn}`, { kind: 'act', fn, x: arr(x), xshape: x.shape }, f(x));
    record('act_softmax', { kind: 'act', fn: 'softmax', x: arr(x), xshape: x.shape }, softmax(x));
    record('act_log_softmax', { kind: 'act', fn: 'log_softmax', x: arr(x), xshape: x.shape }, logSoftmax(x));
    record('act_softmax0', { kind: 'act', fn: 'softmax0', x: arr(x), xshape: x.shape }, softmax(x, 0));
  }
  {
    const mlp = new MLP([4, 8, 6, 3], { rng, activation: 'gelu', finalActivation: 'tanh' });
    const x = randn([5, 4]);
    const layers = mlp.layers.items.map((l) => [arr(l.weight), l.weight.shape, arr(l.bias!)]);
    record('mlp', { kind: 'mlp', x: arr(x), xshape: x.shape, layers }, mlp.forward(x));
  }
  const convCases: [string, number, 'same' | 'valid', number][] = [['same_s1', 1, 'same', 3], ['valid_s2', 2, 'valid', 3], ['same_s2', 2, 'same', 3], ['same_s1_k2', 1, 'same', 2]];
  for (const [name, stride, padding, k] of convCases) {
    const conv = new Conv2d(3, 4, k, { rng, stride, padding });
    const x = randn([2, 6, 5, 3]);
    record(`conv_${name}`, { kind: 'conv', x: arr(x), xshape: x.shape, weight: arr(conv.weight), wshape: conv.weight.shape, bias: arr(conv.bias!), stride: [stride, stride], padding }, conv.forward(x));
  }
  {
    const bn = new BatchNorm2d(3);
    const p = randomize(bn);
    const x = randn([2, 4, 4, 3], 2);
    const yTrain = bn.forward(x);
    const stats = [...bn.runningMean.dataSync(), ...bn.runningVar.dataSync()];
    bn.eval();
    const yEval = bn.forward(x);
    cases.batchnorm = { kind: 'batchnorm', x: arr(x), xshape: x.shape, ...p };
    ours.batchnorm = Float32Array.from([...yTrain.dataSync(), ...stats, ...yEval.dataSync()]);
  }
  for (const pre of [false, true]) {
    const block = new ResBlock(4, { rng, preActivation: pre });
    const params = randomize(block);
    const x = randn([2, 5, 5, 4]);
    record(`resblock_${pre ? 'pre' : 'post'}`, { kind: 'resblock', pre, x: arr(x), xshape: x.shape, params, wshape: block.conv1.weight.shape }, block.forward(x));
  }
  if (!skip) torchOut = runTorch<Record<string, number[]>>(TORCH_SCRIPT, cases);
});

const TOL = 2e-5;
const names = ['linear', 'embedding', 'layernorm1', 'layernorm2', 'mlp', 'conv_same_s1', 'conv_valid_s2', 'conv_same_s2', 'conv_same_s1_k2', 'batchnorm', 'resblock_post', 'resblock_pre',
  ...Object.keys(ACTIVATIONS).map((a) => `act_${a}`), 'act_softmax', 'act_log_softmax', 'act_softmax0'];
for (const name of names) {
  test(`${name} forward matches PyTorch`, { skip: skip ?? false }, () => {
    assert.ok(cases[name], `case ${name} was not built`);
    const diff = maxAbsDiff(ours[name], torchOut![name]);
    assert.ok(diff < TOL, `${name}: max |ours - torch| = ${diff}`);
  });
}

test('layers reject inputs of the wrong shape or dtype with clear errors', () => {
  const r = new Rng(1);
  assert.throws(() => new Linear(4, 5, { rng: r }).forward(tf.zeros([2, 3])), /Linear: input's last axis must be 4, got shape \[2, 3\]/);
  assert.throws(() => new Linear(0, 5, { rng: r }), /inFeatures must be a positive integer/);
  assert.throws(() => new Embedding(5, 2, { rng: r }).forward(tf.zeros([2])), /ids must be int32/);
  assert.throws(() => new Embedding(5, 2, { rng: r }).forward(tf.tensor([1, 5], [2], 'int32')), /ids must lie in \[0, 5\)/);
  assert.throws(() => new LayerNorm(6).forward(tf.zeros([2, 5])), /trailing axes must be \[6\]/);
  assert.throws(() => new Conv2d(3, 4, 3, { rng: r }).forward(tf.zeros([2, 5, 5, 2])), /NHWC with 3 channels/);
  assert.throws(() => new MLP([4], { rng: r }), /at least \[input, output\]/);
  assert.throws(() => new MLP([4, 2], { rng: r, activation: 'nope' as 'relu' }), /unknown activation "nope"/);
});

test('Conv2d output sizes follow same/valid and stride', () => {
  const r = new Rng(1);
  const x = tf.zeros([1, 7, 6, 2]);
  assert.deepEqual(new Conv2d(2, 3, 3, { rng: r }).forward(x).shape, [1, 7, 6, 3]);
  assert.deepEqual(new Conv2d(2, 3, 3, { rng: r, stride: 2 }).forward(x).shape, [1, 4, 3, 3]);
  assert.deepEqual(new Conv2d(2, 3, 3, { rng: r, stride: 2, padding: 'valid' }).forward(x).shape, [1, 3, 2, 3]);
});

test('forward passes leak no tensors', () => {
  const r = new Rng(3);
  const mlp = new MLP([8, 16, 4], { rng: r, activation: 'silu' });
  const block = new ResBlock(4, { rng: r, preActivation: true });
  const x = tf.ones([2, 8]);
  const img = tf.ones([2, 5, 5, 4]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    mlp.forward(x).dispose();
    block.forward(img).dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
