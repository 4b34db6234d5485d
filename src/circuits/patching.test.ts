// One-pass patching against a hand-written recomputation of the model: every destination input
// rebuilt as the sum of its sources' outputs, each taken from the patch activations when its edge
// is patched, else from this recomputation (plus the attention/MLP biases). Also: every ablation
// type, per-position edges, node patching, mask gradients vs finite differences; several edge
// sets in one pass vs one pass each, and ACDC's batched candidates vs one at a time.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { HookedTransformer } from '../nn/transformer/index.js';
import { PatchableModel } from './patchable-model.js';
import type { GraphOptions } from './graph.js';
import { ABLATION_NAMES, makeAblation } from './ablations.js';
import type { CircuitDataset } from './tasks/dataset.js';
import { acdc } from './algorithms/acdc.js';
import { disposeBatches, evaluateMask, evaluateMasks, prepareBatches } from './evaluate.js';
import { metricByName } from './metrics.js';

before(async () => {
  await initBackend();
});

function randomModel(attnOnly: boolean, seed = 1): HookedTransformer {
  const model = new HookedTransformer({ nLayers: 2, dModel: 12, nHeads: 2, dVocab: 9, nCtx: 8, dMlp: 16, actFn: 'relu', attnOnly }, { seed });
  const rng = new Rng(seed + 100);
  for (const [name, v] of model.namedParameters()) {
    const noise = rng.normalArray(v.size, 0, 0.4);
    if (/ln.*\.w$/.test(name)) for (let i = 0; i < noise.length; i++) noise[i] += 1;
    v.assign(tf.tensor(noise, v.shape));
  }
  return model;
}

function layerNorm(x: Tensor, w: Tensor, b: Tensor, eps: number): Tensor {
  const c = tf.sub(x, tf.mean(x, -1, true));
  return tf.add(tf.mul(tf.div(c, tf.sqrt(tf.add(tf.mean(tf.square(c), -1, true), eps))), w), b);
}

/**
 * Reference forward: `weight(edgeIndex)` gives each edge's patch weight [1, pos, 1] (0: current
 * source value, 1: patch value). Returns logits [b, p, V] and the source values [S][b, p, d].
 */
function reference(pm: PatchableModel, tokens: number[][], patch: Tensor | null, flatMask: Float32Array | null): { logits: Tensor; sources: Tensor[] } {
  const m = pm.model;
  const { cfg, graph } = pm;
  const [b, p] = [tokens.length, tokens[0].length];
  const d = cfg.dModel;
  const perPos = graph.seqLen !== null;
  const P = (s: number) => tf.reshape(tf.slice(patch!, [s, 0, 0, 0], [1, b, p, d]), [b, p, d]);
  const edgeWeight = (groupIdx: number, row: number, col: number): Tensor => {
    const g = graph.groups[groupIdx];
    const w = new Float32Array(p);
    for (let pos = 0; pos < p; pos++) {
      const i = g.offset + ((perPos ? pos * g.nSrc : 0) + row) * g.cols + col;
      w[pos] = flatMask ? flatMask[i] : 0;
    }
    return tf.tensor(w, [1, p, 1]);
  };
  const mix = (cur: Tensor, s: number, w: Tensor) => (patch ? tf.add(tf.mul(cur, tf.sub(1, w)), tf.mul(P(s), w)) : cur);
  const sources: Tensor[] = [];
  const ids = tf.tensor2d(tokens, [b, p], 'int32');
  let start = tf.add(tf.gather(m.embed.W_E, ids), tf.slice(m.posEmbed!.W_pos, [0, 0], [p, d]));
  const nodeLevel = graph.level === 'node';
  let groupIdx = 0;
  const nodeMix = (cur: Tensor, s: number, col: number) => (nodeLevel ? mix(cur, s, edgeWeight(groupIdx, 0, col)) : cur);
  start = nodeMix(start, 0, 0);
  if (nodeLevel) groupIdx++;
  sources.push(start);
  let bias: Tensor = tf.zeros([d]);
  const destInput = (group: number, col: number, nSrc: number) => {
    let x: Tensor = bias;
    for (let s = 0; s < nSrc; s++) x = tf.add(x, nodeLevel ? sources[s] : mix(sources[s], s, edgeWeight(group, s, col)));
    return tf.broadcastTo(x, [b, p, d]);
  };
  const causal = tf.tensor(Array.from({ length: p * p }, (_, i) => (Math.floor(i / p) >= i % p ? 0 : -1e9)), [p, p]);
  for (let L = 0; L < cfg.nLayers; L++) {
    const blk = m.blocks.items[L];
    const A = blk.attn;
    const nSrc = pm.graph.sourcesBeforeAttn(L);
    const heads: Tensor[] = [];
    for (let h = 0; h < cfg.nHeads; h++) {
      const col = (kind: number) => (graph.separateQkv ? kind * cfg.nHeads + h : h);
      const inp = (kind: number) => layerNorm(destInput(groupIdx, col(kind), nSrc), blk.ln1.w!, blk.ln1.b!, cfg.eps);
      const proj = (x: Tensor, W: Tensor, bb: Tensor, hh: number) => tf.add(tf.matMul(tf.reshape(x, [b * p, d]), tf.reshape(tf.slice(W, [hh, 0, 0], [1, d, cfg.dHead]), [d, cfg.dHead])), tf.slice(bb, [hh, 0], [1, cfg.dHead]));
      const q = tf.reshape(proj(inp(0), A.W_Q, A.b_Q, h), [b, p, cfg.dHead]);
      const k = tf.reshape(proj(inp(1), A.W_K, A.b_K, h), [b, p, cfg.dHead]);
      const v = tf.reshape(proj(inp(2), A.W_V, A.b_V, h), [b, p, cfg.dHead]);
      const pattern = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(cfg.dHead)), causal));
      const z = tf.matMul(pattern, v);
      const Wo = tf.reshape(tf.slice(A.W_O, [h, 0, 0], [1, cfg.dHead, d]), [cfg.dHead, d]);
      heads.push(tf.reshape(tf.matMul(tf.reshape(z, [b * p, cfg.dHead]), Wo), [b, p, d]));
    }
    heads.forEach((hv, h) => sources.push(nodeMix(hv, nSrc + h, h)));
    groupIdx++;
    bias = tf.add(bias, A.b_O);
    if (blk.mlp) {
      const x = layerNorm(destInput(groupIdx, 0, nSrc + cfg.nHeads), blk.ln2!.w!, blk.ln2!.b!, cfg.eps);
      const hid = tf.relu(tf.add(tf.matMul(tf.reshape(x, [b * p, d]), blk.mlp.W_in), blk.mlp.b_in));
      const out = tf.reshape(tf.add(tf.matMul(hid, blk.mlp.W_out), blk.mlp.b_out), [b, p, d]);
      sources.push(nodeMix(out, nSrc + cfg.nHeads, 0));
      groupIdx++;
    }
  }
  const end = destInput(groupIdx, 0, sources.length);
  const fin = layerNorm(end, m.lnFinal.w!, m.lnFinal.b!, cfg.eps);
  const logits = tf.reshape(tf.add(tf.matMul(tf.reshape(fin, [b * p, d]), m.unembed.W_U!), m.unembed.b_U!), [b, p, cfg.dVocab]);
  return { logits, sources };
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
}

function randomMask(n: number, rng: Rng, p = 0.4): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.float() < p ? 1 : 0));
}

function tinyDataset(rng: Rng, count: number, seq: number, vocab: number): CircuitDataset {
  const tok = () => Array.from({ length: seq }, () => rng.int(vocab));
  const prompts = Array.from({ length: count }, (_, i) => ({ clean: tok(), corrupt: tok(), correct: [rng.int(vocab)], wrong: [rng.int(vocab)], metadata: { template: `T${i % 2}` } }));
  return { name: 'tiny', prompts, seqLen: seq };
}

const SEQ = 5;
const variants: { label: string; attnOnly: boolean; graph: GraphOptions }[] = [
  { label: 'edges, split qkv, MLPs', attnOnly: false, graph: {} },
  { label: 'edges, attention-only', attnOnly: true, graph: {} },
  { label: 'edges, whole attention input', attnOnly: false, graph: { separateQkv: false } },
  { label: 'edges per position', attnOnly: false, graph: { seqLen: SEQ } },
  { label: 'nodes', attnOnly: false, graph: { level: 'node' } },
  { label: 'nodes per position', attnOnly: false, graph: { level: 'node', seqLen: SEQ } },
];

for (const v of variants) {
  test(`one-pass patching equals the hand-written recomputation (${v.label})`, () => {
    const pm = new PatchableModel(randomModel(v.attnOnly), v.graph);
    const rng = new Rng(7);
    const ds = tinyDataset(rng, 3, SEQ, pm.cfg.dVocab);
    const tokens = ds.prompts.map((p) => p.clean);
    tf.tidy(() => {
      // Unpatched: the reference reproduces the model.
      const plain = pm.forward(tokens);
      assert.ok(maxAbsDiff(plain, reference(pm, tokens, null, null).logits) < 1e-4, 'reference reproduces the model');
      const patch = tf.tensor(rng.normalArray(pm.graph.sources.length * 3 * SEQ * pm.cfg.dModel), [pm.graph.sources.length, 3, SEQ, pm.cfg.dModel]);
      for (const p of [0, 0.3, 1]) {
        const mask = randomMask(pm.graph.edgeCount, rng, p);
        const masks = pm.maskTensors(mask);
        const got = pm.patchedForward(tokens, patch, masks);
        const want = reference(pm, tokens, patch, mask).logits;
        const err = maxAbsDiff(got, want);
        assert.ok(err < 2e-4, `mask density ${p}: max |diff| ${err}`);
        if (p > 0) assert.ok(maxAbsDiff(got, plain) > 1e-2, 'patching changed the output');
      }
    });
  });
}

test('every ablation type: one-pass patching equals the recomputation, and the ablation values match the recomputed sources', () => {
  const pm = new PatchableModel(randomModel(false, 3));
  const rng = new Rng(11);
  const ds = tinyDataset(rng, 4, SEQ, pm.cfg.dVocab);
  const batch = ds.prompts.slice(0, 3);
  const clean = batch.map((p) => p.clean);
  const srcOf = (prompts: typeof ds.prompts, side: 'clean' | 'corrupt') => tf.stack(reference(pm, prompts.map((p) => p[side]), null, null).sources); // [S, b, p, d]
  for (const name of ABLATION_NAMES) {
    const ablation = makeAblation(name, pm, ds);
    tf.tidy(() => {
      const values = ablation.valuesFor(batch);
      const [S, , p, d] = values.shape;
      const bc = (m: Tensor) => tf.broadcastTo(m, [S, batch.length, p, d]);
      const allClean = srcOf(ds.prompts, 'clean');
      const allCorrupt = srcOf(ds.prompts, 'corrupt');
      const batchSides: Record<string, Tensor> = { clean: srcOf(batch, 'clean'), corrupt: srcOf(batch, 'corrupt') };
      batchSides['clean-corrupt'] = tf.concat([batchSides.clean, batchSides.corrupt], 1);
      const batchMeans = Object.fromEntries(Object.entries(batchSides).flatMap(([side, acts]) => [
        [`batch-tokenwise-mean-${side}`, () => bc(tf.mean(acts, 1, true))],
        [`batch-all-token-mean-${side}`, () => bc(tf.mean(tf.mean(acts, 1, true), 2, true))],
      ]));
      const expected: Record<string, () => Tensor> = {
        zero: () => tf.zeros(values.shape),
        resample: () => srcOf(batch, 'corrupt'),
        'tokenwise-mean-clean': () => bc(tf.mean(allClean, 1, true)),
        'tokenwise-mean-corrupt': () => bc(tf.mean(allCorrupt, 1, true)),
        'tokenwise-mean-clean-corrupt': () => bc(tf.mean(tf.concat([allClean, allCorrupt], 1), 1, true)),
        ...batchMeans,
        'mean-per-position': () => {
          const group = (t: string) => ds.prompts.filter((q) => q.metadata!.template === t);
          const meanOf = (t: string) => tf.mean(srcOf(group(t), 'corrupt'), 1, true);
          return tf.concat(batch.map((q) => meanOf(q.metadata!.template as string)), 1);
        },
      };
      assert.ok(maxAbsDiff(values, expected[name]()) < 1e-4, `${name}: ablation values`);
      const mask = randomMask(pm.graph.edgeCount, rng, 0.5);
      const got = pm.patchedForward(clean, values, pm.maskTensors(mask));
      const want = reference(pm, clean, values, mask).logits;
      assert.ok(maxAbsDiff(got, want) < 2e-4, `${name}: patched logits`);
    });
    ablation.dispose();
  }
});

test('mask gradients match finite differences', () => {
  const pm = new PatchableModel(randomModel(false, 5));
  const rng = new Rng(3);
  const ds = tinyDataset(rng, 2, SEQ, pm.cfg.dVocab);
  const tokens = ds.prompts.map((p) => p.clean);
  const patch = pm.sourceActivations(ds.prompts.map((p) => p.corrupt));
  const base = Float32Array.from({ length: pm.graph.edgeCount }, () => rng.float());
  const loss = (flat: Float32Array) => tf.tidy(() => tf.sum(tf.square(pm.patchedForward(tokens, patch, pm.maskTensors(flat)))).dataSync()[0]);
  const masks = pm.maskTensors(base);
  const grads = tf.grads((...ms: Tensor[]) => tf.sum(tf.square(pm.patchedForward(tokens, patch, ms))) as tf.Scalar)(masks);
  const g = pm.flatten(grads);
  const eps = 1e-2;
  const picks = [0, 5, pm.graph.edgeCount - 1, ...Array.from({ length: 8 }, () => rng.int(pm.graph.edgeCount))];
  for (const i of picks) {
    const up = base.slice();
    up[i] += eps;
    const down = base.slice();
    down[i] -= eps;
    const fd = (loss(up) - loss(down)) / (2 * eps);
    assert.ok(Math.abs(fd - g[i]) < 2e-2 * Math.max(1, Math.abs(fd)), `edge ${pm.graph.edges[i].name}: grad ${g[i]} vs finite difference ${fd}`);
  }
  patch.dispose();
});

test('patching every edge out of a source node equals node patching', () => {
  const model = randomModel(false, 8);
  const edges = new PatchableModel(model);
  const nodes = new PatchableModel(model, { level: 'node' });
  const rng = new Rng(5);
  const ds = tinyDataset(rng, 2, SEQ, model.cfg.dVocab);
  const tokens = ds.prompts.map((p) => p.clean);
  tf.tidy(() => {
    const patch = edges.sourceActivations(ds.prompts.map((p) => p.corrupt));
    for (const node of ['Resid Start', 'A0.1', 'MLP 0', 'A1.0']) {
      const viaEdges = edges.patchedForward(tokens, patch, edges.maskTensors(edges.graph.maskOf(edges.graph.edgesFrom(node))));
      const viaNode = nodes.patchedForward(tokens, patch, nodes.maskTensors(nodes.graph.maskOf(nodes.graph.indicesOf([node]))));
      assert.ok(maxAbsDiff(viaEdges, viaNode) < 1e-4, node);
    }
  });
  assert.throws(() => edges.graph.edgesFrom('A0.9'), /unknown source node "A0\.9" \(did you mean/);
});

test('patched passes and mask gradients free everything they allocate, for every graph shape', () => {
  for (const attnOnly of [false, true]) {
    for (const options of [{}, { separateQkv: false }, { seqLen: SEQ }, { level: 'node' as const }]) {
      const pm = new PatchableModel(randomModel(attnOnly, 9), options);
      const rng = new Rng(6);
      const ds = tinyDataset(rng, 2, SEQ, pm.cfg.dVocab);
      const tokens = ds.prompts.map((p) => p.clean);
      const patch = pm.preparePatch(pm.sourceActivations(ds.prompts.map((p) => p.corrupt)));
      const masks = pm.maskTensors(Float32Array.from({ length: pm.graph.edgeCount }, () => rng.float()));
      const pass = () => {
        pm.patchedForward(tokens, patch, masks).dispose();
        tf.grads((...ms: Tensor[]) => tf.sum(pm.patchedForward(tokens, patch, ms)) as tf.Scalar)(masks).forEach((g) => g.dispose());
      };
      pass();
      const before = tf.memory().numTensors;
      pass();
      assert.equal(tf.memory().numTensors, before, `${attnOnly ? 'attention-only' : 'with MLPs'} ${JSON.stringify(options)}`);
      patch.dispose();
      masks.forEach((m) => m.dispose());
      pm.model.dispose();
    }
  }
});

test('K edge sets in one pass equal K separate passes (edges, attention-only, whole input, per position)', () => {
  for (const [attnOnly, options] of [[false, {}], [true, {}], [false, { separateQkv: false }], [false, { seqLen: SEQ }]] as const) {
    const pm = new PatchableModel(randomModel(attnOnly, 10), options);
    const rng = new Rng(7);
    const ds = tinyDataset(rng, 3, SEQ, pm.cfg.dVocab);
    const tokens = ds.prompts.map((p) => p.clean);
    tf.tidy(() => {
      const patch = pm.sourceActivations(ds.prompts.map((p) => p.corrupt));
      const flats = [0.2, 0.5, 0.9].map((p) => randomMask(pm.graph.edgeCount, rng, p));
      const together = pm.patchedForwardVariants(tokens, patch, pm.variantMaskTensors(flats));
      flats.forEach((flat, k) => {
        const alone = pm.patchedForward(tokens, patch, pm.maskTensors(flat));
        const part = tf.slice(together, [k * tokens.length, 0, 0], [tokens.length, -1, -1]);
        assert.ok(maxAbsDiff(part, alone) < 1e-4, `${JSON.stringify(options)} variant ${k}`);
      });
    });
    assert.throws(() => pm.patchedForwardVariants(tokens, pm.sourceActivations(tokens), pm.maskTensors(new Float32Array(pm.graph.edgeCount))), /has shape .* expected \[\d+, /);
    pm.model.dispose();
  }
});

test('ACDC measuring several candidates per pass makes the one-at-a-time decisions', () => {
  const pm = new PatchableModel(randomModel(false, 11));
  const rng = new Rng(8);
  const ds = tinyDataset(rng, 4, SEQ, pm.cfg.dVocab);
  const ablation = makeAblation('resample', pm, ds);
  const metric = metricByName('kl-clean');
  const prepared = prepareBatches(pm, ds, ablation, 'ablate', 4);
  const masks = [0.3, 0.7].map((p) => randomMask(pm.graph.edgeCount, rng, p));
  evaluateMasks(pm, prepared, masks, metric).forEach((values, k) => {
    evaluateMask(pm, prepared, masks[k], metric).forEach((v, i) => assert.ok(Math.abs(v - values[i]) < 1e-5, `mask ${k} prompt ${i}`));
  });
  disposeBatches(prepared);
  const one = acdc(pm, ds, ablation, metric, { threshold: 0.002, candidates: 1 });
  const kept = one.filter((x) => x > 0).length;
  assert.ok(kept > 2 && kept < pm.graph.edgeCount - 2, `threshold exercises both decisions (${kept} of ${pm.graph.edgeCount} kept)`);
  for (const candidates of [4, 64]) {
    const batched = acdc(pm, ds, ablation, metric, { threshold: 0.002, candidates });
    one.forEach((x, i) => assert.ok((x > 0) === (batched[i] > 0) && Math.abs(x - batched[i]) < 1e-5, `${candidates} per pass, edge ${pm.graph.edges[i].name}: ${batched[i]} vs ${x}`));
  }
  ablation.dispose();
  pm.model.dispose();
});

test('passes starting at a later layer from the unpatched prefix equal full passes', () => {
  for (const attnOnly of [false, true]) {
    const model = new HookedTransformer({ nLayers: 3, dModel: 12, nHeads: 2, dVocab: 9, nCtx: 8, dMlp: 16, actFn: 'relu', attnOnly }, { seed: 12 });
    const pm = new PatchableModel(model);
    const rng = new Rng(9);
    const ds = tinyDataset(rng, 3, SEQ, pm.cfg.dVocab);
    const tokens = ds.prompts.map((p) => p.clean);
    const patch = pm.preparePatch(pm.sourceActivations(ds.prompts.map((p) => p.corrupt)));
    const prefix = pm.unpatchedPrefix(tokens, patch);
    for (const layer of [1, 2]) {
      // Random masks on the groups of this layer and later only.
      const flats = [0.3, 0.8].map((q) => {
        const m = randomMask(pm.graph.edgeCount, rng, q);
        pm.graph.edges.forEach((e) => {
          if (e.dest!.layer < layer) m[e.index] = 0;
        });
        return m;
      });
      tf.tidy(() => {
        const masks = pm.variantMaskTensors(flats);
        const full = pm.patchedForwardVariants(tokens, patch, masks);
        const fromLayer = pm.patchedForwardVariants(tokens, patch, masks, prefix.startAt(layer));
        assert.ok(maxAbsDiff(full, fromLayer) < 1e-4, `${attnOnly ? 'attention-only' : 'with MLPs'}, from layer ${layer}`);
      });
    }
    const early = pm.graph.maskOf([0]);
    assert.throws(() => pm.patchedForwardVariants(tokens, patch, pm.variantMaskTensors([early]), prefix.startAt(2)), /cannot patch edges into earlier layers/);
    prefix.dispose();
    patch.dispose();
    model.dispose();
  }
});
