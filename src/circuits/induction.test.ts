// A tiny 2-layer attention-only model trained on the induction task: its induction heads are
// identified from their attention patterns (independently of any attribution), and EAP, EAP-IG
// and exact activation patching must all put those heads' edges first; the circuit of the top
// edges must recover most of the full model's logit difference.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { tf } from '../engine/tfjs.js';
import { makeAblation } from './ablations.js';
import { ALGORITHMS, algorithmByName } from './algorithms/index.js';
import { disposeBatches, prepareBatches } from './evaluate.js';
import { evaluateCircuit, rankEdges } from './faithfulness.js';
import { metricByName } from './metrics.js';
import { PatchableModel } from './patchable-model.js';
import { inductionTask } from './tasks/index.js';
import { trainTaskModel } from './tasks/train-model.js';

before(async () => {
  await initBackend();
});

test('EAP, EAP-IG and activation patching find the induction heads of a trained model', () => {
  const task = inductionTask({ seqLen: 11, vocabSize: 16 });
  const { model, accuracy } = trainTaskModel({ task, seed: 1, steps: 260, batchSize: 64, lr: 3e-3, shape: { nLayers: 2, nHeads: 2, dModel: 64, attnOnly: true } });
  assert.ok(accuracy > 90, `the model solves the task (accuracy ${accuracy}%)`);
  const ds = task.generate(new Rng(9), 48);

  // Induction heads: layer-1 heads attending from the last position to the token after the
  // current token's earlier occurrence.
  const { cache } = model.runWithCache(ds.prompts.map((p) => p.clean), { names: ['blocks.1.attn.hook_pattern'] });
  const pat = cache.get('blocks.1.attn.hook_pattern')!.arraySync() as number[][][][];
  cache.forEach((t) => t.dispose());
  const q = ds.seqLen - 1;
  const inductionHeads = [0, 1].filter((h) => {
    const score = ds.prompts.reduce((s, p, b) => s + pat[b][h][q][p.clean.indexOf(p.clean[q]) + 1], 0) / ds.prompts.length;
    return score > 0.5;
  });
  assert.ok(inductionHeads.length > 0, 'training produced an induction head');
  const expected = new Set(inductionHeads.flatMap((h) => [`A1.${h}->Resid End`, `Resid Start->A1.${h}.V`]));

  const pm = new PatchableModel(model);
  const metric = metricByName('logit-diff');
  const ablation = makeAblation('resample', pm, ds);
  const prepared = prepareBatches(pm, ds, ablation, 'ablate', 48);
  try {
    const scoresBy: Record<string, Float32Array> = {};
    for (const name of ['eap', 'eap-ig', 'activation-patching']) {
      const scores = algorithmByName(name)(pm, ds, ablation, metric, { steps: 5 });
      scoresBy[name] = scores;
      const top = rankEdges(scores).slice(0, expected.size).map((i) => pm.graph.edges[i].name);
      assert.deepEqual(new Set(top), expected, `${name}: top edges ${top.join(', ')}`);
    }
    // The top edges as a circuit (everything else resample-ablated) keep most of the logit difference.
    const circuit = pm.graph.maskOf(rankEdges(scoresBy.eap).slice(0, expected.size));
    const f = evaluateCircuit(pm, prepared, circuit, 'complement', metric);
    assert.ok(f.normalized! > 0.8, `normalized faithfulness ${f.normalized}`);
    // EAP is a linear estimate of exact patching: on this model they agree closely.
    const a = scoresBy.eap;
    const b = scoresBy['activation-patching'];
    const corr = tf.tidy(() => {
      const x = tf.tensor1d(a);
      const y = tf.tensor1d(b);
      const xc = tf.sub(x, tf.mean(x));
      const yc = tf.sub(y, tf.mean(y));
      return tf.div(tf.sum(tf.mul(xc, yc)), tf.sqrt(tf.mul(tf.sum(tf.square(xc)), tf.sum(tf.square(yc))))).dataSync()[0];
    });
    assert.ok(corr > 0.9, `EAP vs activation patching correlation ${corr}`);
    // ACDC with KL keeps the induction heads' output edges.
    const kept = ALGORITHMS.acdc(pm, ds, ablation, metricByName('kl-clean'), { threshold: 0.05 });
    const keptNames = pm.graph.edges.filter((e) => kept[e.index] > 0).map((e) => e.name);
    for (const h of inductionHeads) assert.ok(keptNames.includes(`A1.${h}->Resid End`), `acdc kept ${keptNames.join(', ')}`);
  } finally {
    disposeBatches(prepared);
    ablation.dispose();
    model.dispose();
  }
});
