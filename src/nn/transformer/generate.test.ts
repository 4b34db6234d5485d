// Generation: KV-cached decoding gives the same step logits and tokens as full recomputation
// (greedy and sampled, learned and rotary positions); top-k and temperature behave as defined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { HookedTransformer } from './model.js';
import { chooseToken, generate } from './generate.js';
import { relativeError } from './testing.js';

const CFG = { nLayers: 2, dModel: 16, nHeads: 4, dVocab: 29, nCtx: 16, initStd: 0.5 };

test('KV-cached generation equals full recomputation (greedy and sampled; learned and rotary positions)', async () => {
  await initBackend();
  for (const variant of [{}, { positionalEmbeddingType: 'rotary' as const, attnOnly: true }]) {
    const model = new HookedTransformer({ ...CFG, ...variant }, { seed: 3 });
    const prompts = [[1, 2, 3], [9, 8, 7]];
    for (const sampling of [{}, { temperature: 0.8, topK: 5 }]) {
      const opts = { maxNewTokens: 9, returnLogits: true, ...sampling };
      const cached = generate(model, prompts, { ...opts, rng: new Rng(1) });
      const full = generate(model, prompts, { ...opts, rng: new Rng(1), useKvCache: false });
      assert.deepEqual(cached.tokens, full.tokens);
      assert.equal(cached.tokens[0].length, 12);
      for (let s = 0; s < 9; s++) {
        for (let b = 0; b < 2; b++) {
          assert.ok(relativeError(cached.stepLogits![s][b], full.stepLogits![s][b]) < 1e-5, `step ${s} row ${b}`);
        }
      }
    }
    model.dispose();
  }
});

test('chooseToken: greedy takes the argmax, top-k never leaves the k best, temperature sharpens', () => {
  const logits = new Float32Array([0.1, 2.0, -1, 1.9, 0.5]);
  assert.equal(chooseToken(logits, 0, undefined, new Rng(0)), 1);
  const rng = new Rng(2);
  const counts = new Map<number, number>();
  for (let i = 0; i < 2000; i++) {
    const t = chooseToken(logits, 1, 2, rng);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [1, 3]);
  // p(1) / p(3) = exp(0.1) ~ 1.105 among the two.
  const ratio = counts.get(1)! / counts.get(3)!;
  assert.ok(ratio > 0.95 && ratio < 1.3, `ratio ${ratio}`);
  let cold = 0;
  for (let i = 0; i < 500; i++) if (chooseToken(logits, 0.01, undefined, rng) === 1) cold++;
  assert.ok(cold > 490);
});

test('generate: clear errors for bad options and prompts', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 0 });
  assert.throws(() => generate(model, [[1, 2]], { maxNewTokens: 15 }), /prompt length 2 \+ maxNewTokens 15 exceeds the model's context n_ctx = 16/);
  assert.throws(() => generate(model, [[1, 2], [3]], { maxNewTokens: 1 }), /equal lengths/);
  assert.throws(() => generate(model, [[1]], { maxNewTokens: 1, temperature: -1 }), /temperature/);
  assert.throws(() => generate(model, [[1]], { maxNewTokens: 1, topK: 0 }), /topK/);
  model.dispose();
});
