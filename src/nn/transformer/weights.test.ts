// Checkpoints: HF GPT-2 and glassbox layouts load to the same model, glassbox save/load round
// trips, bad checkpoints fail listing every problem, and LayerNorm folding / weight centring
// leave the outputs unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../engine/safetensors.js';
import { logSoftmax } from '../activations.js';
import { HookedTransformer } from './model.js';
import { loadTransformer, saveTransformer } from './weights.js';
import { relativeError, writeRandomGpt2 } from './testing.js';

const TOKENS = [
  [1, 5, 9, 2, 60, 7, 0],
  [0, 3, 3, 8, 14, 6, 33],
];

const arr = (t: Tensor) => t.dataSync() as Float32Array;

function withDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-weights-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('HF GPT-2 (with and without the transformer. prefix) and glassbox format load to the same logits', async () => {
  await initBackend();
  withDir((dir) => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeRandomGpt2(a, { seed: 3 });
    writeRandomGpt2(b, { seed: 3, lmHeadLayout: true });
    const ma = loadTransformer(a);
    const mb = loadTransformer(b);
    assert.equal(ma.cfg.tiedEmbeddings, true);
    const la = arr(ma.forward(TOKENS));
    assert.ok(relativeError(arr(mb.forward(TOKENS)), la) === 0);
    const own = join(dir, 'own');
    saveTransformer(ma, own);
    const config = JSON.parse(readFileSync(join(own, 'config.json'), 'utf8'));
    assert.equal(config.format, 'glassbox-transformer');
    const mc = loadTransformer(own);
    assert.ok(relativeError(arr(mc.forward(TOKENS)), la) === 0);
    assert.deepEqual(Object.keys(readSafetensorsFile(join(own, 'model.safetensors')).tensors).sort(), Object.keys(ma.stateDict()).sort());
    // An lm_head that differs from wte unties the unembedding: W_U = lm_head^T.
    const path = join(b, 'model.safetensors');
    const { tensors } = readSafetensorsFile(path);
    const head = tensors['lm_head.weight'].data as Float32Array;
    for (let i = 0; i < head.length; i++) head[i] = Math.sin(i);
    writeSafetensorsFile(path, tensors);
    const untied = loadTransformer(b);
    assert.equal(untied.cfg.tiedEmbeddings, false);
    const wu = tf.transpose(tf.tensor2d(head, [61, 32]));
    assert.equal(relativeError(arr(untied.unembed.W_U!), arr(wu)), 0);
    for (const m of [ma, mb, mc, untied]) m.dispose();
  });
});

test('bad checkpoints: every missing, unexpected, misshapen and non-float tensor is listed; unknown config fields rejected', async () => {
  await initBackend();
  withDir((dir) => {
    writeRandomGpt2(dir, { seed: 1 });
    const path = join(dir, 'model.safetensors');
    const { tensors } = readSafetensorsFile(path);
    delete tensors['h.1.mlp.c_fc.bias'];
    tensors['h.0.attn.c_proj.weight'] = { dtype: 'F32', shape: [32, 31], data: new Float32Array(32 * 31) };
    tensors['ln_f.bias'] = { dtype: 'I32', shape: [32], data: new Int32Array(32) };
    tensors['h.0.attn.rotary'] = { dtype: 'F32', shape: [1], data: new Float32Array(1) };
    tensors['h.0.attn.bias'] = { dtype: 'U8', shape: [1, 1, 16, 16], data: new Uint8Array(256) }; // HF's mask buffer: ignored
    writeSafetensorsFile(path, tensors);
    assert.throws(
      () => loadTransformer(dir),
      (e: Error) =>
        /missing tensors: h\.1\.mlp\.c_fc\.bias/.test(e.message) &&
        /unexpected tensors: h\.0\.attn\.rotary/.test(e.message) &&
        /h\.0\.attn\.c_proj\.weight: shape \[32, 31\], expected \[32, 32\]/.test(e.message) &&
        /ln_f\.bias: dtype I32, expected a float type/.test(e.message) &&
        !/h\.0\.attn\.bias/.test(e.message),
    );
    const cfgPath = join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, n_fancy: 3, scale_attn_by_inverse_layer_idx: true }));
    assert.throws(() => loadTransformer(dir), /unknown field\(s\) n_fancy; scale_attn_by_inverse_layer_idx = true is not supported/);
  });
  withDir((dir) => {
    const model = new HookedTransformer({ nLayers: 1, dModel: 8, nHeads: 2, dVocab: 11, nCtx: 4 });
    saveTransformer(model, dir);
    const path = join(dir, 'model.safetensors');
    const { tensors } = readSafetensorsFile(path);
    delete tensors['blocks.0.attn.W_Q'];
    tensors['blocks.0.attn.W_Z'] = tensors['blocks.0.attn.W_K'];
    writeSafetensorsFile(path, tensors);
    assert.throws(() => loadTransformer(dir), /missing tensors: blocks\.0\.attn\.W_Q; unexpected tensors: blocks\.0\.attn\.W_Z/);
    const cfgPath = join(dir, 'config.json');
    const json = JSON.parse(readFileSync(cfgPath, 'utf8'));
    json.config.nLayer = 2;
    writeFileSync(cfgPath, JSON.stringify(json));
    assert.throws(() => loadTransformer(dir), /unknown field\(s\) nLayer/);
    model.dispose();
  });
  assert.throws(() => loadTransformer('/nonexistent/model'), /cannot read \/nonexistent\/model\/config\.json: no such file/);
});

test('foldLn and centerWritingWeights leave logits unchanged; centerUnembed leaves log-probabilities unchanged', async () => {
  await initBackend();
  withDir((dir) => {
    writeRandomGpt2(dir, { seed: 5 });
    const plain = loadTransformer(dir);
    const ref = plain.forward(TOKENS);
    const folded = loadTransformer(dir, { foldLn: true });
    assert.equal(folded.cfg.normalizationType, 'LNPre');
    assert.ok(!Object.keys(folded.stateDict()).some((n) => n.includes('ln')));
    assert.ok(relativeError(arr(folded.forward(TOKENS)), arr(ref)) < 1e-5);
    // Folded reading weights are centred over d_model.
    const wq = folded.blocks.items[0].attn.W_Q;
    assert.ok(tf.max(tf.abs(tf.mean(wq, 1))).dataSync()[0] < 1e-6);

    const centred = loadTransformer(dir, { foldLn: true, centerWritingWeights: true });
    assert.ok(relativeError(arr(centred.forward(TOKENS)), arr(ref)) < 1e-5);
    const { cache } = centred.runWithCache(TOKENS, { names: ['blocks.1.hook_resid_post'] });
    assert.ok(tf.max(tf.abs(tf.mean(cache.get('blocks.1.hook_resid_post')!, -1))).dataSync()[0] < 1e-5, 'residual stream has zero mean');

    const all = loadTransformer(dir, { foldLn: true, centerWritingWeights: true, centerUnembed: true });
    const logits = all.forward(TOKENS);
    assert.ok(relativeError(arr(logSoftmax(logits)), arr(logSoftmax(ref))) < 1e-5);
    assert.ok(tf.max(tf.abs(tf.mean(logits, -1))).dataSync()[0] < 1e-4, 'centred unembedding gives zero-mean logits');
    assert.ok(relativeError(arr(logits), arr(ref)) > 1e-3, 'centring the unembedding does shift the logits');
    for (const m of [plain, folded, centred, all]) m.dispose();
  });
});
