// Parity with an independent GPT-2 forward pass written here in Python + PyTorch (float64) from
// the published architecture: pre-LN blocks, learned positions, gelu_new, causal softmax
// attention, Conv1D (x @ W) weights, tied unembedding. A random HF-layout checkpoint is written
// to a temp dir, run by both, and logits plus cached activations (by TransformerLens hook name)
// must agree to 1e-4 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { runTorch, torchUnavailableReason } from '../testing/torch-peer.js';
import { loadTransformer } from './weights.js';
import { relativeError, writeRandomGpt2 } from './testing.js';

const REFERENCE = String.raw`
import json, math, struct, sys
import numpy as np, torch
inp = json.load(sys.stdin)
d = inp['dir']
cfg = json.load(open(d + '/config.json'))
raw = open(d + '/model.safetensors', 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
W = {}
for k, v in header.items():
    if k == '__metadata__':
        continue
    assert v['dtype'] == 'F32'
    s, e = v['data_offsets']
    a = np.frombuffer(raw[8 + n + s:8 + n + e], dtype='<f4').reshape(v['shape'])
    W[k[len('transformer.'):] if k.startswith('transformer.') else k] = torch.tensor(a, dtype=torch.float64)
L, D, H, eps = cfg['n_layer'], cfg['n_embd'], cfg['n_head'], cfg['layer_norm_epsilon']
E = D // H
tokens = torch.tensor(inp['tokens'])
B, P = tokens.shape
acts = {}
def ln(x, w, b, name):
    mu = x.mean(-1, keepdim=True)
    scale = torch.sqrt(((x - mu) ** 2).mean(-1, keepdim=True) + eps)
    y = (x - mu) / scale * w + b
    acts[name + '.hook_scale'] = scale
    acts[name + '.hook_normalized'] = y
    return y
def gelu_new(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
emb = W['wte.weight'][tokens]
pos = W['wpe.weight'][:P].unsqueeze(0).expand(B, P, D)
acts['hook_embed'] = emb
acts['hook_pos_embed'] = pos
x = emb + pos
causal = torch.tril(torch.ones(P, P, dtype=torch.bool))
for l in range(L):
    p, b = 'h.%d.' % l, 'blocks.%d.' % l
    acts[b + 'hook_resid_pre'] = x
    h = ln(x, W[p + 'ln_1.weight'], W[p + 'ln_1.bias'], b + 'ln1')
    qkv = h @ W[p + 'attn.c_attn.weight'] + W[p + 'attn.c_attn.bias']
    q, k, v = [t.reshape(B, P, H, E) for t in qkv.split(D, dim=-1)]
    acts[b + 'attn.hook_q'], acts[b + 'attn.hook_k'], acts[b + 'attn.hook_v'] = q, k, v
    scores = torch.einsum('bqhe,bkhe->bhqk', q, k) / math.sqrt(E)
    scores = scores.masked_fill(~causal, float('-inf'))
    acts[b + 'attn.hook_attn_scores'] = scores
    pattern = torch.softmax(scores, dim=-1)
    acts[b + 'attn.hook_pattern'] = pattern
    z = torch.einsum('bhqk,bkhe->bqhe', pattern, v)
    acts[b + 'attn.hook_z'] = z
    Wo = W[p + 'attn.c_proj.weight']
    acts[b + 'attn.hook_result'] = torch.einsum('bqhe,hed->bqhd', z, Wo.reshape(H, E, D))
    attn_out = z.reshape(B, P, D) @ Wo + W[p + 'attn.c_proj.bias']
    acts[b + 'hook_attn_out'] = attn_out
    x = x + attn_out
    acts[b + 'hook_resid_mid'] = x
    h2 = ln(x, W[p + 'ln_2.weight'], W[p + 'ln_2.bias'], b + 'ln2')
    pre = h2 @ W[p + 'mlp.c_fc.weight'] + W[p + 'mlp.c_fc.bias']
    post = gelu_new(pre)
    acts[b + 'mlp.hook_pre'], acts[b + 'mlp.hook_post'] = pre, post
    out = post @ W[p + 'mlp.c_proj.weight'] + W[p + 'mlp.c_proj.bias']
    acts[b + 'hook_mlp_out'] = out
    x = x + out
    acts[b + 'hook_resid_post'] = x
final = ln(x, W['ln_f.weight'], W['ln_f.bias'], 'ln_final')
unembed = W['lm_head.weight'] if 'lm_head.weight' in W else W['wte.weight']
acts['logits'] = final @ unembed.T
def listed(t):
    t = t.clone()
    t[torch.isinf(t)] = -1e30
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist()}
print(json.dumps({n: listed(acts[n]) for n in inp['names'] + ['logits']}))
`;

const NAMES = [
  'hook_embed',
  'hook_pos_embed',
  'blocks.0.hook_resid_pre',
  'blocks.0.ln1.hook_scale',
  'blocks.0.ln1.hook_normalized',
  'blocks.0.attn.hook_q',
  'blocks.0.attn.hook_k',
  'blocks.0.attn.hook_v',
  'blocks.0.attn.hook_attn_scores',
  'blocks.0.attn.hook_pattern',
  'blocks.0.attn.hook_z',
  'blocks.0.attn.hook_result',
  'blocks.0.hook_attn_out',
  'blocks.0.mlp.hook_pre',
  'blocks.0.mlp.hook_post',
  'blocks.1.hook_resid_mid',
  'blocks.1.ln2.hook_scale',
  'blocks.1.attn.hook_pattern',
  'blocks.1.hook_mlp_out',
  'blocks.1.hook_resid_post',
  'ln_final.hook_scale',
  'ln_final.hook_normalized',
];

const skip = torchUnavailableReason();

test('GPT-2 layout: logits and cached activations match an independent PyTorch forward to 1e-4 relative', { skip: skip ?? false }, async () => {
  await initBackend();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-gpt2-parity-'));
  try {
    writeRandomGpt2(dir, { nLayer: 2, nEmbd: 32, nHead: 4, nPositions: 16, vocabSize: 61, lmHeadLayout: true, seed: 7 });
    const tokens = [
      [3, 17, 42, 0, 60, 5, 5, 23, 11],
      [59, 1, 2, 3, 4, 5, 6, 7, 8],
    ];
    const model = loadTransformer(dir);
    const ref = runTorch<Record<string, { shape: number[]; data: number[] }>>(REFERENCE, { dir, tokens, names: NAMES });
    const { logits, cache } = model.runWithCache(tokens, { names: NAMES });
    const compare = (name: string, t: { shape: number[]; dataSync(): ArrayLike<number> }) => {
      const r = ref[name];
      assert.deepEqual([...t.shape], r.shape, `${name}: shape`);
      const mine = Array.from(t.dataSync(), (v) => (v === -Infinity ? -1e30 : v));
      const err = relativeError(mine, r.data);
      assert.ok(err < 1e-4, `${name}: relative error ${err.toExponential(2)} exceeds 1e-4`);
    };
    compare('logits', logits);
    for (const n of NAMES) compare(n, cache.get(n)!);
    logits.dispose();
    for (const t of cache.values()) t.dispose();
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

if (skip) test(`PyTorch parity: ${skip}`, { skip }, () => {});
