// EAP and EAP-IG against identities that hold whatever the model: integrated gradients along the
// straight mask path from nothing patched (0) to everything patched (1) are complete (the scores
// sum to the metric change of patching every edge), and EAP is the mask gradient at 0. Metrics
// with no useful gradient are refused with a clear error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { HookedTransformer } from '../nn/transformer/index.js';
import { makeAblation } from './ablations.js';
import { edgeAttributionPatching, edgeAttributionPatchingIG } from './algorithms/index.js';
import { disposeBatches, evaluateMask, maskGradient, prepareBatches, type Direction } from './evaluate.js';
import type { GraphOptions } from './graph.js';
import { meanOf, metricByName } from './metrics.js';
import { PatchableModel } from './patchable-model.js';
import { taskByName } from './tasks/index.js';

before(async () => {
  await initBackend();
});

function setup(graph: GraphOptions = {}, seed = 3) {
  const task = taskByName('max');
  const model = new HookedTransformer({ nLayers: 2, dModel: 16, nHeads: 2, dVocab: task.vocab.length, nCtx: task.seqLen, initStd: 0.4 }, { seed });
  return { pm: new PatchableModel(model, graph), ds: task.generate(new Rng(seed), 10) };
}

const sum = (xs: Float32Array) => xs.reduce((s, x) => s + x, 0);

const cases: { ablation: string; direction: Direction; metric: string; graph?: GraphOptions }[] = [
  { ablation: 'resample', direction: 'ablate', metric: 'logit-diff' },
  // Not zero ablation: as every mask nears 1 every LayerNorm input shrinks towards 0, and the
  // metric jumps within 1e-3 of the end of the path (LayerNorm's epsilon), which no Riemann sum sees.
  { ablation: 'batch-all-token-mean-corrupt', direction: 'ablate', metric: 'prob-diff' },
  { ablation: 'tokenwise-mean-clean-corrupt', direction: 'ablate', metric: 'kl-clean', graph: { seqLen: 7 } },
  { ablation: 'resample', direction: 'restore', metric: 'logprob-diff', graph: { separateQkv: false } },
];

for (const c of cases) {
  test(`EAP-IG scores sum to the metric change of patching every edge (${c.ablation}, ${c.direction}, ${c.metric})`, () => {
    const { pm, ds } = setup(c.graph);
    const ablation = makeAblation(c.ablation, pm, ds);
    const metric = metricByName(c.metric);
    const prepared = prepareBatches(pm, ds, ablation, c.direction, 4);
    try {
      const E = pm.graph.edgeCount;
      const change = meanOf(evaluateMask(pm, prepared, new Float32Array(E).fill(1), metric)) - meanOf(evaluateMask(pm, prepared, new Float32Array(E), metric));
      assert.ok(Math.abs(change) > 1e-3, `patching every edge changes ${c.metric} (${change})`);
      const o = { direction: c.direction, batchSize: 4 };
      const ig = sum(edgeAttributionPatchingIG(pm, ds, ablation, metric, { ...o, steps: 12 }));
      // The midpoint rule's error falls as 1/steps^2; a rule using the endpoint 0 (or 1) only as 1/steps.
      assert.ok(Math.abs(ig - change) < 0.02 * Math.abs(change), `sum of EAP-IG scores ${ig} vs metric change ${change}`);
      const coarse = sum(edgeAttributionPatchingIG(pm, ds, ablation, metric, { ...o, steps: 3 }));
      assert.ok(Math.abs(ig - change) < Math.abs(coarse - change), `12 steps (${ig}) are closer to ${change} than 3 steps (${coarse})`);
      // One step is the gradient at the middle of the path; EAP the gradient at nothing patched.
      const mid = maskGradient(pm, prepared, new Float32Array(E).fill(0.5), metric);
      const one = edgeAttributionPatchingIG(pm, ds, ablation, metric, { ...o, steps: 1 });
      one.forEach((v, i) => assert.ok(Math.abs(v - mid[i]) <= 1e-5 * (1 + Math.abs(mid[i])), `edge ${i}: 1-step EAP-IG ${v} vs gradient at 0.5 ${mid[i]}`));
      if (!c.metric.startsWith('kl-')) {
        const at0 = maskGradient(pm, prepared, new Float32Array(E), metric);
        const eap = edgeAttributionPatching(pm, ds, ablation, metric, o);
        eap.forEach((v, i) => assert.ok(Math.abs(v - at0[i]) <= 1e-5 * (1 + Math.abs(at0[i])), `edge ${i}: EAP ${v} vs gradient at 0 ${at0[i]}`));
      }
    } finally {
      disposeBatches(prepared);
      ablation.dispose();
    }
  });
}

test('EAP refuses a KL metric at its minimum, and every gradient method refuses argmax metrics', () => {
  const { pm, ds } = setup();
  const ablation = makeAblation('resample', pm, ds);
  const prepared = prepareBatches(pm, ds, ablation, 'ablate', 5);
  try {
    // Why: with nothing patched the ablate run is the full model on the clean prompts, so the
    // gradient of KL(clean || patched) vanishes there for every edge.
    const g = maskGradient(pm, prepared, new Float32Array(pm.graph.edgeCount), metricByName('kl-clean'));
    assert.ok(g.every((v) => Math.abs(v) < 1e-6), `kl-clean gradient at 0: max |g| ${Math.max(...g.map(Math.abs))}`);
    assert.throws(() => edgeAttributionPatching(pm, ds, ablation, metricByName('kl-clean'), {}), /eap: the gradient of kl-clean is zero .*use eap-ig/);
    assert.throws(() => edgeAttributionPatching(pm, ds, ablation, metricByName('kl-corrupt'), { direction: 'restore' }), /eap: the gradient of kl-corrupt is zero/);
    for (const name of ['correct-percent', 'correct-vs-incorrect-percent']) {
      assert.throws(() => edgeAttributionPatchingIG(pm, ds, ablation, metricByName(name), { steps: 2 }), new RegExp(`metric "${name}" has no gradient`));
    }
  } finally {
    disposeBatches(prepared);
    ablation.dispose();
  }
});
