// Hook points: replacing an activation changes downstream values exactly as recomputing from the
// replacement predicts; optional hooks (per-head result, split inputs) leave outputs unchanged;
// gradients with respect to activations and patching masks agree with finite differences;
// backward hooks change parameter gradients as they should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../engine/backend.js';
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import { Rng } from '../../engine/rng.js';
import { HookedTransformer } from './model.js';
import { embeddingLookup } from './components.js';
import type { TransformerConfigInput } from './config.js';
import { relativeError } from './testing.js';

const CFG: TransformerConfigInput = { nLayers: 2, dModel: 16, nHeads: 4, dVocab: 23, nCtx: 12, initStd: 0.4 };
const TOKENS = [
  [1, 5, 9, 2, 22, 7],
  [0, 3, 3, 8, 14, 6],
];

function arr(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

function randomLike(shape: number[], seed: number): Tensor {
  return tf.tensor(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

test('replacing hook_attn_out and ln_final.hook_normalized changes downstream as recomputation predicts', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 1 });
  const x = randomLike([2, 6, 16], 2);
  const { logits, cache } = model.runWithCache(TOKENS, { names: ['blocks.1.hook_resid_pre', 'blocks.1.hook_resid_mid'] }, { hooks: { fwd: { 'blocks.1.hook_attn_out': () => x } } });
  const predicted = tf.add(cache.get('blocks.1.hook_resid_pre')!, x);
  assert.ok(relativeError(arr(cache.get('blocks.1.hook_resid_mid')!), arr(predicted)) < 1e-6);

  const y = randomLike([2, 6, 16], 3);
  const replaced = model.runWithHooks(TOKENS, { fwd: { 'ln_final.hook_normalized': () => y } });
  const expected = tf.add(tf.matMul(tf.reshape(y, [12, 16]), model.unembed.W_U!), model.unembed.b_U!);
  assert.ok(relativeError(arr(replaced), arr(expected)) < 1e-5);
  assert.ok(relativeError(arr(logits), arr(replaced)) > 0.1, 'the replacement must matter');

  // Uniform causal attention in layer 0: z = pattern @ v, computed by hand from the cached v.
  const uniform = tf.tensor4d(
    Array.from({ length: 2 * 4 * 6 * 6 }, (_, i) => {
      const k = i % 6;
      const q = Math.floor(i / 6) % 6;
      return k <= q ? 1 / (q + 1) : 0;
    }),
    [2, 4, 6, 6],
  );
  const run = model.runWithCache(TOKENS, { names: ['blocks.0.attn.hook_v', 'blocks.0.attn.hook_z'] }, { hooks: { fwd: { 'blocks.0.attn.hook_pattern': () => uniform } } });
  const v = tf.transpose(run.cache.get('blocks.0.attn.hook_v')!, [0, 2, 1, 3]);
  const z = tf.transpose(tf.matMul(uniform, v), [0, 2, 1, 3]);
  assert.ok(relativeError(arr(run.cache.get('blocks.0.attn.hook_z')!), arr(z)) < 1e-6);
  model.dispose();
});

test('hook_result, split q/k/v inputs and hook_attn_in are computed on request and leave logits unchanged', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 4 });
  const plain = model.forward(TOKENS);
  const { logits, cache } = model.runWithCache(TOKENS, {
    names: ['blocks.0.attn.hook_result', 'blocks.0.hook_attn_out', 'blocks.1.hook_q_input', 'blocks.1.hook_k_input', 'blocks.1.hook_v_input', 'blocks.1.ln1.hook_scale'],
  });
  assert.ok(relativeError(arr(logits), arr(plain)) < 1e-5);
  assert.deepEqual(cache.get('blocks.0.attn.hook_result')!.shape, [2, 6, 4, 16]);
  assert.deepEqual(cache.get('blocks.1.hook_q_input')!.shape, [2, 6, 4, 16]);
  assert.deepEqual(cache.get('blocks.1.ln1.hook_scale')!.shape, [2, 6, 4, 1]);
  const summed = tf.add(tf.sum(cache.get('blocks.0.attn.hook_result')!, 2), model.blocks.items[0].attn.b_O);
  assert.ok(relativeError(arr(summed), arr(cache.get('blocks.0.hook_attn_out')!)) < 1e-5);
  const attnIn = model.runWithCache(TOKENS, { names: ['blocks.0.hook_attn_in'] });
  assert.ok(relativeError(arr(attnIn.logits), arr(plain)) < 1e-5);
  assert.deepEqual(attnIn.cache.get('blocks.0.hook_attn_in')!.shape, [2, 6, 4, 16]);
  // A cache filter alone does not switch optional computations on.
  const all = model.runWithCache(TOKENS, { filter: () => true });
  assert.ok(!all.cache.has('blocks.0.attn.hook_result') && !all.cache.has('blocks.0.hook_q_input'));
  assert.ok(all.cache.has('blocks.1.mlp.hook_post'));
  const flagged = new HookedTransformer({ ...CFG, useAttnResult: true, useSplitQkvInput: true }, { seed: 4 });
  const f = flagged.runWithCache(TOKENS, { filter: () => true });
  assert.ok(f.cache.has('blocks.0.attn.hook_result') && f.cache.has('blocks.1.hook_v_input'));
  assert.ok(relativeError(arr(f.logits), arr(plain)) < 1e-5);
  model.dispose();
  flagged.dispose();
});

test('gradient with respect to hooked activations matches central finite differences', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 5 });
  const weights = randomLike([2, 6, 23], 6);
  const lossFn = (logits: Tensor) => tf.sum(tf.mul(logits, weights)) as tf.Scalar;
  const names = ['blocks.0.hook_resid_mid', 'blocks.1.attn.hook_pattern', 'blocks.0.mlp.hook_pre'];
  const { loss, grads } = model.gradWrtActivations(TOKENS, lossFn, names);
  assert.ok(Number.isFinite(loss));
  const rng = new Rng(9);
  for (const name of names) {
    const g = grads.get(name)!;
    const ga = arr(g);
    for (let trial = 0; trial < 4; trial++) {
      // A random coordinate among those that matter (pattern entries above the diagonal do not).
      let i = rng.int(ga.length);
      while (Math.abs(ga[i]) < 1e-3) i = rng.int(ga.length);
      const h = 1e-2;
      const at = (delta: number) => {
        const bump = (a: Tensor) => {
          const e = new Float32Array(a.size);
          e[i] = delta;
          return tf.add(a, tf.tensor(e, a.shape));
        };
        return lossFn(model.runWithHooks(TOKENS, { fwd: { [name]: bump } })).dataSync()[0];
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      assert.ok(Math.abs(fd - ga[i]) <= 2e-2 * Math.max(1, Math.abs(fd)), `${name}[${i}]: autodiff ${ga[i]} vs finite differences ${fd}`);
    }
  }
  model.dispose();
});

test('patching masks are differentiable: d metric / d mask matches finite differences', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 8 });
  const corrupt = [[4, 4, 4, 4, 4, 4], [9, 9, 9, 9, 9, 9]];
  const { logits: l0, cache } = model.runWithCache(corrupt, { names: ['blocks.0.attn.hook_result'] });
  l0.dispose();
  const patch = cache.get('blocks.0.attn.hook_result')!;
  // One mask entry per head: result <- result + mask * (patch - result).
  const metric = (mask: Tensor) => {
    const hook = (a: Tensor) => tf.add(a, tf.mul(tf.reshape(mask, [1, 1, 4, 1]), tf.sub(patch, a)));
    const logits = model.runWithHooks(TOKENS, { fwd: { 'blocks.0.attn.hook_result': hook } });
    return tf.sum(tf.slice(logits, [0, 5, 0], [2, 1, 23])) as tf.Scalar;
  };
  const mask0 = tf.tensor1d([0.2, 0.5, 0, 1]);
  const g = arr(tf.grad(metric)(mask0));
  for (let head = 0; head < 4; head++) {
    const h = 1e-2;
    const e = new Float32Array(4);
    e[head] = h;
    const fd = (metric(tf.add(mask0, tf.tensor1d(e))).dataSync()[0] - metric(tf.sub(mask0, tf.tensor1d(e))).dataSync()[0]) / (2 * h);
    assert.ok(Math.abs(fd - g[head]) <= 1e-2 * Math.max(1, Math.abs(fd)), `head ${head}: ${g[head]} vs ${fd}`);
  }
  model.dispose();
});

test('backward hooks scale, observe and stop gradients (gradient routing through hooks)', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 10 });
  const params = model.namedParameters();
  const grads = (hooks?: Parameters<HookedTransformer['runWithHooks']>[1]) => {
    const lossFn = () => tf.mean(tf.square(hooks ? model.runWithHooks(TOKENS, hooks) : model.forward(TOKENS))) as tf.Scalar;
    const { grads: g } = tf.variableGrads(lossFn, params.map(([, p]) => p));
    const byName = new Map(params.map(([n, p]) => [n, g[p.name]]));
    return byName;
  };
  const base = grads();
  const doubled = grads({ bwd: { hook_embed: (g) => tf.mul(g, 2) } });
  const wE = 'embed.W_E';
  assert.ok(relativeError(arr(doubled.get(wE)!), arr(tf.mul(base.get(wE)!, 2))) < 1e-5);
  assert.ok(relativeError(arr(doubled.get('pos_embed.W_pos')!), arr(base.get('pos_embed.W_pos')!)) < 1e-6);
  // Route: mask*a + (1-mask)*stopGradient(a) with mask 0 at blocks.1.hook_resid_pre stops all gradient into layer 0 and the embeddings.
  const stopGradient = tf.customGrad(((x: Tensor) => ({ value: tf.clone(x), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as never) as (x: Tensor) => Tensor;
  const routed = grads({ fwd: { 'blocks.1.hook_resid_pre': (a) => tf.add(tf.mul(a, 0), stopGradient(a)) } });
  assert.equal(tf.max(tf.abs(routed.get('blocks.0.attn.W_Q')!)).dataSync()[0], 0);
  assert.equal(tf.max(tf.abs(routed.get(wE)!)).dataSync()[0], 0);
  assert.ok(relativeError(arr(routed.get('blocks.1.mlp.W_in')!), arr(base.get('blocks.1.mlp.W_in')!)) < 1e-5);
  model.dispose();
});

test('bad input: unknown hook names, ids out of range, too-long sequences, ragged batches, bad config', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 0 });
  assert.throws(() => model.runWithHooks(TOKENS, { fwd: { 'blocks.7.hook_resid_pre': () => {}, 'blocks.0.attn.hook_foo': () => {} } }), /unknown hook point\(s\): blocks\.7\.hook_resid_pre, blocks\.0\.attn\.hook_foo/);
  assert.throws(() => model.runWithCache(TOKENS, { names: ['hook_nope'] }), /unknown hook point/);
  assert.throws(() => model.forward([[1, 23, -1]]), /ids out of range \[0, 23\): \[0\]\[1\] = 23, \[0\]\[2\] = -1/);
  assert.throws(() => model.forward([Array(13).fill(1)]), /sequence length 13 exceeds the model's context n_ctx = 12/);
  assert.throws(() => model.forward([[1, 2], [3]]), /sequence 1 has length 1, expected 2/);
  assert.throws(() => model.runWithHooks(TOKENS, { fwd: { hook_embed: () => tf.zeros([1]) } }), /forward hook at hook_embed returned float32 \[1\]; expected float32 \[2, 6, 16\]/);
  assert.throws(() => new HookedTransformer({ ...CFG, dModle: 3 } as TransformerConfigInput), /unknown field\(s\) dModle/);
  assert.throws(() => new HookedTransformer({ ...CFG, nHeads: 5 }), /dModel 16 is not divisible by nHeads 5/);
  assert.throws(() => new HookedTransformer({ ...CFG, actFn: 'swoosh' }), /unknown activation "swoosh"/);
  model.dispose();
});

test('padding: a left-padded sequence gives the same logits at its real positions as the unpadded one', async () => {
  await initBackend();
  for (const variant of [{}, { positionalEmbeddingType: 'rotary' as const }]) {
    const model = new HookedTransformer({ ...CFG, ...variant }, { seed: 11 });
    const short = [7, 3, 9, 1];
    const alone = arr(model.forward([short]));
    const padded = arr(model.forward([[0, 0, ...short], [5, 6, 7, 8, 9, 10]], { attentionMask: [[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]] }));
    const real = padded.slice(2 * 23, 6 * 23);
    assert.ok(relativeError(real, alone) < 1e-5, `${JSON.stringify(variant)}: padded logits differ`);
    assert.ok(padded.every(Number.isFinite));
    model.dispose();
  }
});

test('attention-only, no-LayerNorm, tied and rotary variants run with their hook sets', async () => {
  await initBackend();
  const model = new HookedTransformer({ ...CFG, attnOnly: true, normalizationType: null, tiedEmbeddings: true, positionalEmbeddingType: 'rotary', rotaryDim: 2 }, { seed: 12 });
  const names = model.hookNames();
  assert.ok(!names.includes('blocks.0.hook_resid_mid') && !names.includes('blocks.0.ln1.hook_scale') && !names.includes('hook_pos_embed'));
  assert.ok(names.includes('blocks.1.attn.hook_rot_k'));
  assert.ok(!Object.keys(model.stateDict()).some((n) => n.includes('mlp') || n.includes('W_U') || n.includes('W_pos')));
  const { logits, cache } = model.runWithCache(TOKENS, { filter: () => true });
  assert.deepEqual(logits.shape, [2, 6, 23]);
  assert.deepEqual(cache.get('blocks.1.attn.hook_rot_q')!.shape, [2, 6, 4, 4]);
  assert.ok(arr(logits).every(Number.isFinite));
  model.dispose();
});

test('embedding lookups: the scatter-add gradient equals tf.gather\'s own gradient (repeated ids included)', async () => {
  await initBackend();
  const table = randomLike([7, 3], 20);
  const ids = tf.tensor1d([1, 4, 1, 6, 1, 0], 'int32');
  const weights = randomLike([6, 3], 21);
  const ours = tf.grad((w: Tensor) => tf.sum(tf.mul(embeddingLookup(w, ids), weights)))(table);
  const reference = tf.grad((w: Tensor) => tf.sum(tf.mul(tf.gather(w, ids), weights)))(table);
  assert.ok(relativeError(arr(ours), arr(reference)) < 1e-6);
  assert.ok(relativeError(arr(embeddingLookup(table, ids)), arr(tf.gather(table, ids))) === 0);
});

test('rotary embeddings preserve norms and make scores depend only on relative position', async () => {
  await initBackend();
  const model = new HookedTransformer({ ...CFG, attnOnly: true, positionalEmbeddingType: 'rotary', rotaryBase: 100 }, { seed: 13 });
  // The same q and k vector at every position: rotated scores must depend on (query - key) only.
  const qv = randomLike([1, 1, 4, 4], 30);
  const kv = randomLike([1, 1, 4, 4], 31);
  const fill = (v: Tensor) => (a: Tensor) => tf.broadcastTo(v, a.shape);
  const { cache } = model.runWithCache([[1, 2, 3, 4, 5, 6]], { names: ['blocks.0.attn.hook_attn_scores', 'blocks.0.attn.hook_rot_q'] }, {
    hooks: { fwd: { 'blocks.0.attn.hook_q': fill(qv), 'blocks.0.attn.hook_k': fill(kv) } },
  });
  const s = cache.get('blocks.0.attn.hook_attn_scores')!.arraySync() as number[][][][];
  for (let h = 0; h < 4; h++) {
    for (let q = 1; q < 6; q++) {
      for (let k = 1; k <= q; k++) assert.ok(Math.abs(s[0][h][q][k] - s[0][h][q - 1][k - 1]) < 1e-4, `head ${h} (${q}, ${k})`);
    }
  }
  assert.ok(Math.abs(s[0][0][5][0] - s[0][0][1][0]) > 1e-3, 'scores do vary with distance');
  const rotNorms = arr(tf.sum(tf.square(cache.get('blocks.0.attn.hook_rot_q')!), -1));
  const qNorms = arr(tf.sum(tf.square(qv), -1));
  for (let i = 0; i < rotNorms.length; i++) assert.ok(Math.abs(rotNorms[i] - qNorms[i % 4]) < 1e-4);
  model.dispose();
});

test('ctx.store: a stored tensor outlives its block, is freed once replaced, and nothing outlives the pass', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 3 });
  const expected = model.runWithCache(TOKENS, { names: ['blocks.0.hook_resid_pre'] }).cache.get('blocks.0.hook_resid_pre')!;
  let replaced: Tensor | null = null;
  const read = (ctx: { store: Map<string, unknown> }) => ctx.store.get('x') as Tensor;
  const logits = model.runWithHooks(TOKENS, {
    fwd: {
      'blocks.0.hook_resid_pre': (a, ctx) => void ctx.store.set('x', tf.mul(a, 1)),
      'blocks.1.hook_resid_pre': (_a, ctx) => {
        // Still alive one block later, then replaced: the old tensor is freed at this block's end.
        assert.ok(relativeError(arr(read(ctx)), arr(expected)) < 1e-7);
        replaced = read(ctx);
        ctx.store.set('x', tf.add(replaced, 1));
      },
      'ln_final.hook_normalized': (_a, ctx) => {
        assert.ok(replaced!.isDisposed);
        assert.ok(!read(ctx).isDisposed);
      },
    },
  });
  logits.dispose();
  expected.dispose();
  const before = tf.memory().numTensors;
  model.runWithHooks(TOKENS, { fwd: { 'blocks.0.hook_resid_pre': (a, ctx) => void ctx.store.set('x', tf.mul(a, 2)) } }).dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('runFromLayer: the blocks from layer L on, given blocks.L.hook_resid_pre, give the full forward logits', async () => {
  await initBackend();
  const model = new HookedTransformer(CFG, { seed: 4 });
  const names = ['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre', 'blocks.1.hook_resid_post'];
  const { logits, cache } = model.runWithCache(TOKENS, { names });
  const starts: [number, string][] = [[0, names[0]], [1, names[1]], [2, names[2]]];
  for (const [layer, name] of starts) {
    const seen: string[] = [];
    const fwd = Object.fromEntries(model.hookNames((n) => n.startsWith('blocks.') && !n.endsWith('hook_attn_in')).map((n) => [n, () => void seen.push(n)]));
    const from = model.runFromLayer(layer, cache.get(name)!, { hooks: { fwd } }).logits;
    assert.ok(relativeError(arr(from), arr(logits)) < 1e-5, `from layer ${layer}`);
    assert.ok(seen.every((n) => Number(n.split('.')[1]) >= layer), `only hooks of layers >= ${layer} run`);
    from.dispose();
  }
  assert.throws(() => model.runFromLayer(3, cache.get(names[2])!), /layer must be an integer in \[0, 2\]/);
  assert.throws(() => model.runFromLayer(1, tf.zeros([2, 6])), /must be \[batch, pos, 16\]/);
  logits.dispose();
  cache.forEach((t) => t.dispose());
});
