// Language-model training and the `lm run` results contract: the loss matches a hand-computed
// cross-entropy, a tiny model learns the built-in corpus below its unigram baseline, and
// runToFile writes logits + cached activations that equal an in-process run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { tf } from '../../engine/tfjs.js';
import { Rng } from '../../engine/rng.js';
import { readSafetensorsFile, toFloat32 } from '../../engine/safetensors.js';
import { Gpt2Tokenizer, trainBpe } from '../tokenizer/index.js';
import { HookedTransformer } from './model.js';
import { builtinCorpus } from './builtin-corpus.js';
import { evaluateLoss, isNoDecayParam, nextTokenLoss, trainLanguageModel } from './lm-train.js';
import { loadTransformer } from './weights.js';
import { parseTokenList, runToFile } from './run-to-file.js';
import { runLmTrainExperiment } from './lm-experiment.js';
import { generateText } from './generate-text.js';
import { relativeError, writeRandomGpt2 } from './testing.js';

test('nextTokenLoss equals the mean negative log-softmax at the targets', async () => {
  await initBackend();
  const rng = new Rng(1);
  const logits = tf.tensor3d(rng.normalArray(2 * 3 * 5, 0, 2), [2, 3, 5]);
  const targets = [[1, 4, 0], [2, 2, 3]];
  const l = logits.arraySync() as number[][][];
  let total = 0;
  for (let b = 0; b < 2; b++) {
    for (let p = 0; p < 3; p++) {
      const row = l[b][p];
      const lse = Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
      total += lse - row[targets[b][p]];
    }
  }
  const got = nextTokenLoss(logits, tf.tensor2d(targets, [2, 3], 'int32')).dataSync()[0];
  assert.ok(Math.abs(got - total / 6) < 1e-5, `${got} vs ${total / 6}`);
  assert.ok(isNoDecayParam('blocks.0.attn.b_Q') && isNoDecayParam('blocks.1.ln2.w') && isNoDecayParam('ln_final.b') && isNoDecayParam('unembed.b_U'));
  assert.ok(!isNoDecayParam('blocks.0.attn.W_Q') && !isNoDecayParam('embed.W_E'));
});

test('a tiny model trained on the built-in corpus gets below the unigram baseline', async () => {
  await initBackend();
  const text = builtinCorpus(600, 2);
  const tokenizer = Gpt2Tokenizer.fromBpeData(trainBpe(text, { vocabSize: 300 }));
  const tokens = Int32Array.from(tokenizer.encode(text));
  const model = new HookedTransformer({ nLayers: 1, dModel: 32, nHeads: 2, dVocab: tokenizer.vocabSize, nCtx: 16 }, { seed: 3 });
  const before = evaluateLoss(model, tokens, 16, 16);
  const result = await trainLanguageModel({ model, tokens, seqLen: 16, batchSize: 8, steps: 60, rng: new Rng(4), peakLr: 1e-2 });
  const after = evaluateLoss(model, tokens, 16, 16);
  const counts = new Map<number, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let unigram = 0;
  for (const c of counts.values()) unigram -= (c / tokens.length) * Math.log(c / tokens.length);
  assert.equal(result.lossHistory.length, 60);
  assert.ok(after < before - 1, `loss ${before} -> ${after}`);
  assert.ok(after < unigram, `loss ${after} should beat the unigram entropy ${unigram}`);
  model.dispose();
});

test('runToFile writes logits and cached activations by hook name, equal to an in-process run', async () => {
  await initBackend();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-lm-run-'));
  try {
    writeRandomGpt2(join(dir, 'gpt2'), { seed: 9 });
    const tokens = parseTokenList('1,2,3,4;5,6,7,8');
    assert.deepEqual(tokens, [[1, 2, 3, 4], [5, 6, 7, 8]]);
    const names = ['blocks.0.attn.hook_pattern', 'blocks.1.hook_resid_post', 'blocks.0.attn.hook_result'];
    const out = join(dir, 'acts.safetensors');
    const r = runToFile({ modelDir: join(dir, 'gpt2'), tokens, cacheNames: names, outFile: out });
    assert.equal(r.layout, 'hf-gpt2');
    const { tensors, metadata } = readSafetensorsFile(out);
    assert.deepEqual(Object.keys(tensors).sort(), ['logits', ...names].sort());
    assert.deepEqual(tensors.logits.shape, [2, 4, 61]);
    assert.deepEqual(tensors['blocks.0.attn.hook_result'].shape, [2, 4, 4, 32]);
    assert.equal(metadata.tokens, '[[1,2,3,4],[5,6,7,8]]');
    const model = loadTransformer(join(dir, 'gpt2'));
    const { logits, cache } = model.runWithCache(tokens, { names });
    assert.equal(relativeError(toFloat32(tensors.logits), logits.dataSync()), 0);
    for (const n of names) assert.equal(relativeError(toFloat32(tensors[n]), cache.get(n)!.dataSync()), 0, n);
    model.dispose();
    assert.throws(() => parseTokenList('1,x'), /sequence 0 item 1 is "x"/);
    assert.throws(() => runToFile({ modelDir: join(dir, 'gpt2'), tokens: [[1, 2], [3]], cacheNames: [], outFile: out }), /sequence 1 has length 1, expected 2/);
    assert.throws(() => runToFile({ modelDir: join(dir, 'gpt2'), tokens: [[99]], cacheNames: [], outFile: out }), /ids out of range \[0, 61\): \[0\]\[0\] = 99/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lm train experiment: results.json summary, report.html and a model directory lm run can load', async () => {
  await initBackend();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-lm-train-'));
  try {
    const { summary } = await runLmTrainExperiment({ outDir: dir, seed: 1, quick: true, steps: 4, nLayers: 1, dModel: 16, nHeads: 2, seqLen: 16, vocabSize: 280, quiet: true });
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    assert.equal(results.summary.steps, 4);
    assert.equal(results.lossHistory.length, 4);
    for (const k of ['finalValLoss', 'initialValLoss', 'unigramValLoss', 'factAccuracy']) assert.equal(typeof summary[k], 'number', k);
    assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes('<svg'));
    const r = runToFile({ modelDir: join(dir, 'model'), tokens: [[1, 2, 3]], cacheNames: ['blocks.0.hook_resid_post'], outFile: join(dir, 'out.safetensors') });
    assert.equal(r.layout, 'glassbox');
    assert.deepEqual(r.written.logits, [1, 3, 280]);
    assert.ok(existsSync(join(dir, 'model', 'vocab.json')) && existsSync(join(dir, 'model', 'merges.txt')));
    const g = generateText({ modelDir: join(dir, 'model'), prompt: 'alice lives', maxNewTokens: 5 });
    assert.ok(g.text.startsWith('alice lives'));
    assert.equal(g.tokens.length, g.promptTokens.length + 5);
    assert.throws(() => generateText({ modelDir: dir, prompt: 'x', maxNewTokens: 1 }), /no tokenizer \(missing .*vocab\.json and .*merges\.txt\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
