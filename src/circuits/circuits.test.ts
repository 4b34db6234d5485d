// Datasets, tasks, bad input, faithfulness evaluation and curves, and the faithfulness command's
// results contract.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { HookedTransformer } from '../nn/transformer/index.js';
import { makeAblation } from './ablations.js';
import { disposeBatches, prepareBatches } from './evaluate.js';
import { areaUnderCurve, curveSizes, evaluateCircuit, faithfulnessCurve, rankEdges } from './faithfulness.js';
import { CircuitGraph } from './graph.js';
import { metricByName } from './metrics.js';
import { PatchableModel } from './patchable-model.js';
import { datasetFromJson, GLUE_MARKER, retokenize, TASKS, taskByName, type TextTokenizer } from './tasks/index.js';
import { saveTaskModel } from './tasks/train-model.js';
import { readEdgeFile, runFaithfulness } from './study.js';
import { benchPatching, PATCHING_TINY } from './bench.js';

before(async () => {
  await initBackend();
});

test('edge counts and names of the GPT-2-small graph', () => {
  const cfg = new HookedTransformer({ nLayers: 1, dModel: 8, nHeads: 2, dVocab: 5, nCtx: 4 }).cfg;
  const g = new CircuitGraph({ ...cfg, nLayers: 12, nHeads: 12 });
  // Q/K/V of 12 heads from 1 + 13 L sources, MLP L from 13 (L + 1) sources, Resid End from 157.
  let want = 0;
  for (let L = 0; L < 12; L++) want += 36 * (1 + 13 * L) + 13 * (L + 1);
  assert.equal(g.edgeCount, want + 157);
  assert.equal(g.edges[0].name, 'Resid Start->A0.0.Q');
  assert.ok(g.indicesOf(['MLP 1->A5.2.Q', 'A5.2->Resid End', 'Resid Start->MLP 0']).length === 3);
  const perPos = new CircuitGraph({ ...cfg, nLayers: 2, nHeads: 2 }, { seqLen: 3 });
  assert.equal(perPos.edgeCount, 3 * new CircuitGraph({ ...cfg, nLayers: 2, nHeads: 2 }).edgeCount);
  assert.ok(perPos.indicesOf(['A0.1->A1.0.K@2']).length === 1);
});

test('unknown edge names are one error listing near matches', () => {
  const cfg = new HookedTransformer({ nLayers: 2, dModel: 8, nHeads: 2, dVocab: 5, nCtx: 4 }).cfg;
  const g = new CircuitGraph(cfg);
  assert.throws(() => g.indicesOf(['A0.1->A1.0.q', 'MLP 0->Resid End', 'nonsense edge']), (e: Error) => {
    assert.match(e.message, /unknown edge name\(s\) \(2\)/);
    assert.match(e.message, /"A0\.1->A1\.0\.q" \(did you mean "A0\.1->A1\.0\.Q"/);
    assert.match(e.message, /"nonsense edge"/);
    return true;
  });
});

test('bad datasets: mismatched lengths, multi-token answers, empty, unknown words', () => {
  const vocab = ['When', 'Mary', 'and', 'John', 'to'];
  assert.throws(() => datasetFromJson({ vocab, prompts: [{ clean: 'When Mary and John to', corrupt: 'When John to', correct: 'Mary', wrong: 'John' }] }), /prompts\[0\]: clean prompt has 5 tokens, corrupt prompt has 3/);
  assert.throws(() => datasetFromJson({ vocab, prompts: [{ clean: 'When Mary to', corrupt: 'When John to', correct: 'Mary John', wrong: 'John' }] }), /correct\[0\]: answer "Mary John" is 2 tokens; answers must be single tokens/);
  assert.throws(() => datasetFromJson({ vocab, prompts: [] }), /empty/);
  assert.throws(() => datasetFromJson({ vocab, prompts: [{ clean: 'When Bob to', corrupt: 'When John to', correct: 'Mary', wrong: 'John' }] }), /"Bob" is not in the vocabulary/);
  assert.throws(() => datasetFromJson({ prompts: [{ clean: [1, 2], corrupt: [1, 9], correct: 1, wrong: 2 }] }, { vocabSize: 5 }), /corrupt\[1\]: token id 9 out of range \[0, 5\)/);
  assert.throws(() => taskByName('ioi').generate(new Rng(0), 0), /empty/);
  assert.throws(() => taskByName('induktion'), /did you mean "induction"/);
  const ok = datasetFromJson({ vocab, prompts: [{ clean: 'When Mary and John to', corrupt: 'When John and Mary to', correct: ['Mary'], wrong: 'John', metadata: { template: 'ABBA' } }] });
  assert.deepEqual(ok.prompts[0].clean, [0, 1, 2, 3, 4]);
  assert.deepEqual(ok.prompts[0].correct, [1]);
});

test('re-tokenizing a task for another tokenizer: answers take a leading space; multi-token answers and length mismatches are errors', () => {
  const ds = taskByName('ioi').generate(new Rng(1), 6);
  // A toy tokenizer: one token per word, except that names starting with "A" split in two.
  const ids = new Map<string, number>();
  const id = (w: string) => (ids.has(w) ? ids.get(w)! : (ids.set(w, ids.size), ids.size - 1));
  const toy: TextTokenizer = { encode: (t) => t.split(/(?= )/).flatMap((w) => (/^ ?A/.test(w) ? [id(w), id('#')] : [id(w)])) };
  const plain: TextTokenizer = { encode: (t) => t.split(/(?= )/).map(id) };
  const re = retokenize(ds, plain);
  assert.equal(re.prompts[0].clean.length, ds.prompts[0].clean.length);
  assert.equal(re.prompts[0].correct[0], ids.get(` ${ds.vocab![ds.prompts[0].correct[0]]}`));
  assert.throws(() => retokenize(ds, toy), /(tokens; answers must be single tokens|clean prompt has \d+ tokens, corrupt prompt has \d+)/);
});

test('IOI and greater-than re-tokenized by the real GPT-2 tokenizer (js-tiktoken) read as in the literature', () => {
  const gpt2 = new Tiktoken(gpt2Ranks);
  const tokenizer: TextTokenizer = { encode: (t) => gpt2.encode(t) };
  const rng = new Rng(9);
  for (const name of ['ioi', 'greater-than']) {
    const words = taskByName(name).generate(rng, 200);
    const ds = retokenize(words, tokenizer, 50257);
    const p = ds.prompts[0];
    assert.equal(p.clean.length, p.corrupt.length);
    if (name === 'greater-than') {
      const text = gpt2.decode(p.clean);
      assert.match(text, /^The \w+ lasted from the year 17\d\d to the year 17$/);
      assert.equal(gpt2.decode(p.clean.slice(-1)), ' 17');
      const yy = p.metadata!.year as number;
      assert.equal(gpt2.decode(p.clean.slice(7, 8)), String(yy).padStart(2, '0'), 'the start year is one bare two-digit token after " 17"');
      assert.deepEqual(p.correct.map((t) => Number(gpt2.decode([t]))), Array.from({ length: 99 - yy }, (_, i) => yy + 1 + i));
    } else {
      assert.ok([...p.correct, ...p.wrong].every((t) => /^ [A-Z][a-z]+$/.test(gpt2.decode([t]))), 'answers are single-token names with a leading space');
    }
  }
});

test('task generators: equal lengths, answers right by construction', () => {
  const rng = new Rng(4);
  for (const name of Object.keys(TASKS)) {
    const task = taskByName(name);
    const ds = task.generate(rng, 400);
    assert.equal(ds.prompts.length, 400);
    for (const p of ds.prompts) {
      assert.equal(p.clean.length, task.seqLen, name);
      assert.equal(p.corrupt.length, task.seqLen, name);
      assert.ok(p.correct.every((c) => !p.wrong.includes(c)), `${name}: correct and wrong answers overlap`);
      const ex = task.trainingExample(rng);
      assert.equal(ex.tokens.length, task.seqLen);
      assert.ok(ex.targets.length > 0 && ex.targets.every((t) => t.pos >= 0 && t.pos < task.seqLen));
    }
    const w = (ids: number[]) => ids.map((i) => ds.vocab![i]);
    const p = ds.prompts[0];
    if (name === 'ioi') {
      const names = w(p.clean).filter((x) => /^[A-Z][a-z]+$/.test(x) && !['When', 'Then', 'After'].includes(x));
      const io = w(p.correct)[0];
      assert.equal(names.filter((x) => x === io).length, 1, 'the indirect object appears once');
      assert.equal(names.filter((x) => x === w(p.wrong)[0]).length, 2, 'the subject appears twice');
    }
    if (name === 'greater-than') {
      const year = (word: string) => Number(word.replace(GLUE_MARKER, ''));
      const yy = year(w(p.clean)[7]);
      assert.ok(w(p.correct).every((y) => year(y) > yy) && w(p.wrong).every((y) => year(y) <= yy));
    }
    if (name === 'induction') {
      const cur = p.clean[p.clean.length - 1];
      assert.equal(p.clean[p.clean.indexOf(cur) + 1], p.correct[0], 'the answer follows the earlier occurrence');
      assert.equal(p.corrupt[p.corrupt.indexOf(cur) + 1], p.wrong[0], 'in the corrupt prompt the wrong answer follows it');
      assert.deepEqual([...p.clean].sort(), [...p.corrupt].sort(), 'same tokens');
    }
    if (name === 'docstring') {
      const starts = new Set<number>();
      for (const q of ds.prompts) {
        const [clean, corrupt] = [w(q.clean), w(q.corrupt)];
        const args = (t: string[]) => t.slice(3, t.indexOf(')')).filter((x) => x !== ',');
        const documented = (t: string[]) => t.flatMap((x, i) => (x === ':param' && i + 1 < t.length ? [t[i + 1]] : []));
        const [sig, doc] = [args(clean), documented(clean)];
        assert.equal(sig.length, 5);
        const at = sig.indexOf(doc[1]);
        assert.equal(sig[at - 1], doc[0], 'the docstring documents consecutive arguments');
        assert.deepEqual(w(q.correct), [sig[at + 1]], 'the answer is the argument after the last documented one');
        starts.add(at - 1);
        const [csig, cdoc] = [args(corrupt), documented(corrupt)];
        assert.ok(cdoc.every((x) => !csig.includes(x) && !sig.includes(x)), 'corrupt docstring names match nothing in either signature');
        assert.ok(!corrupt.includes(w(q.correct)[0]), 'the answer does not occur in the corrupt prompt');
        assert.deepEqual(csig.filter((x) => sig.includes(x)), sig.filter((x, i) => i < at - 1 || i > at + 1), 'the corrupt signature keeps the arguments outside the documented run');
        assert.ok(sig.filter((x) => x !== w(q.correct)[0]).every((x) => w(q.wrong).includes(x)), 'every other signature argument is a wrong answer');
      }
      assert.deepEqual([...starts].sort(), [0, 1, 2], 'the documented run starts at argument 1, 2 or 3');
    }
    if (name === 'max') assert.equal(Number(w(p.correct)[0]), Math.max(...w(p.clean).slice(1, -1).map(Number)));
  }
});

function smallSetup(seed = 2) {
  const task = taskByName('max');
  const model = new HookedTransformer({ nLayers: 2, dModel: 16, nHeads: 2, dVocab: task.vocab.length, nCtx: task.seqLen, initStd: 0.3 }, { seed });
  const ds = task.generate(new Rng(seed), 12);
  return { task, model, ds, pm: new PatchableModel(model) };
}

test('faithfulness: the full circuit recovers the full model, the empty circuit the ablated one; curve endpoints agree', () => {
  const { pm, ds } = smallSetup();
  const metric = metricByName('logit-diff');
  const ablation = makeAblation('resample', pm, ds);
  const prepared = prepareBatches(pm, ds, ablation, 'ablate', 5);
  try {
    const E = pm.graph.edgeCount;
    const all = evaluateCircuit(pm, prepared, new Float32Array(E).fill(1), 'complement', metric);
    assert.ok(Math.abs(all.normalized! - 1) < 1e-6);
    assert.ok(Math.abs(all.ratioOfAverages! - 100) < 1e-3);
    const none = evaluateCircuit(pm, prepared, new Float32Array(E), 'complement', metric);
    assert.ok(Math.abs(none.normalized!) < 1e-6);
    assert.notEqual(none.fullModel, none.emptyCircuit);
    // Restore from corrupt with every edge restored is the clean model; with none, the corrupt one.
    const restore = prepareBatches(pm, ds, ablation, 'restore', 5);
    const r = evaluateCircuit(pm, restore, new Float32Array(E), 'circuit', metric);
    assert.ok(Math.abs(r.fullModel - all.fullModel) < 1e-4, 'restoring every edge gives the clean model');
    disposeBatches(restore);
    const scores = Float32Array.from({ length: E }, (_, i) => Math.sin(i));
    const curve = faithfulnessCurve(pm, prepared, scores, [0, 3, E], 'complement', metric);
    assert.ok(Math.abs(curve.points[0].mean - none.circuit) < 1e-4);
    assert.ok(Math.abs(curve.points[2].mean - all.circuit) < 1e-4);
    // Sizes measured several per pass (small model) equal one circuit at a time.
    const top3 = pm.graph.maskOf(rankEdges(scores).slice(0, 3));
    assert.ok(Math.abs(curve.points[1].mean - evaluateCircuit(pm, prepared, top3, 'complement', metric).circuit) < 1e-4);
    assert.equal(curve.points[0].perPrompt.length, ds.prompts.length);
  } finally {
    disposeBatches(prepared);
    ablation.dispose();
  }
  assert.throws(() => prepareBatches(pm, ds, makeAblation('zero', pm, ds), 'restore', 4), /restore.*resample/);
  assert.deepEqual(curveSizes('log', 10), [0, 1, 2, 3, 5, 8, 10]);
  assert.throws(() => curveSizes([3, 11], 10), /\[0, 10\]/);
  assert.equal(areaUnderCurve([0, 0.5, 1], [0, 1, 1]), 0.75);
});

test('glassbox circuits faithfulness: results.json with summary.faithfulness and per-prompt values, report, hoverable SVG', async () => {
  const { task, model } = smallSetup(3);
  const dir = mkdtempSync(join(tmpdir(), 'gb-circuits-'));
  const modelDir = join(dir, 'model');
  saveTaskModel(modelDir, model, { task: task.name, vocab: task.vocab });
  const edgesFile = join(dir, 'edges.json');
  writeFileSync(edgesFile, JSON.stringify(['A1.0->Resid End', 'Resid Start->A1.0.V', 'MLP 1->Resid End']));
  const out = join(dir, 'run');
  const summary = await runFaithfulness({ model: modelDir, edges: edgesFile, ablation: 'tokenwise-mean-clean', metric: 'logit-diff', out, prompts: 10, seed: 1 });
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.deepEqual(results.summary, JSON.parse(JSON.stringify(summary)));
  const f = results.summary.faithfulness;
  for (const k of ['circuit', 'fullModel', 'emptyCircuit', 'ratioOfAverages', 'averageOfRatios', 'normalized']) assert.ok(k in f, k);
  assert.equal(f.edges, 3);
  assert.equal(results.perPrompt.circuit.length, 10);
  assert.ok(existsSync(join(out, 'report.html')));
  const svg = readFileSync(join(out, 'circuit.svg'), 'utf8');
  assert.match(svg, /<title>A1\.0-&gt;Resid End: 1\.000<\/title>/);
  writeFileSync(edgesFile, JSON.stringify({ edges: ['A1.0->Resid Ende'] }));
  await assert.rejects(runFaithfulness({ model: modelDir, edges: edgesFile, out, prompts: 4 }), /did you mean "A1\.0->Resid End"/);
});

test('the default metric is the task\'s own: probability difference for greater-than, logit difference otherwise', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-metric-'));
  const edgesFile = join(dir, 'edges.json');
  writeFileSync(edgesFile, JSON.stringify(['A1.0->Resid End']));
  for (const [name, want] of [['greater-than', 'prob-diff'], ['ioi', 'logit-diff']]) {
    const task = taskByName(name);
    const model = new HookedTransformer({ nLayers: 2, dModel: 8, nHeads: 2, dVocab: task.vocab.length, nCtx: task.seqLen }, { seed: 1 });
    const modelDir = join(dir, name);
    saveTaskModel(modelDir, model, { task: task.name, vocab: task.vocab });
    await runFaithfulness({ model: modelDir, edges: edgesFile, out: join(dir, `run-${name}`), prompts: 4 });
    assert.equal(JSON.parse(readFileSync(join(dir, `run-${name}`, 'results.json'), 'utf8')).config.metric, want, name);
  }
});

test('edge files: a list, {"edges"}, or scores with --top', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-edges-'));
  const f = join(dir, 'e.json');
  writeFileSync(f, JSON.stringify(['a', 'b']));
  assert.deepEqual(readEdgeFile(f).names, ['a', 'b']);
  writeFileSync(f, JSON.stringify({ edges: ['c'] }));
  assert.deepEqual(readEdgeFile(f).names, ['c']);
  writeFileSync(f, JSON.stringify({ scores: { x: 0.1, y: -3, z: 2 } }));
  assert.deepEqual(readEdgeFile(f, 2).names, ['y', 'z']);
  assert.throws(() => readEdgeFile(f), /--top/);
  writeFileSync(f, '{"edges": [1]}');
  assert.throws(() => readEdgeFile(f), /edges must be strings/);
  writeFileSync(f, '{nope');
  assert.throws(() => readEdgeFile(f), /cannot read edge file/);
});

test('patching benchmark: the bench --json contract on tiny shapes', () => {
  const r = benchPatching({ shape: PATCHING_TINY, reps: 1 });
  assert.equal(r.edges, new CircuitGraph(new HookedTransformer({ nLayers: 2, dModel: 32, nHeads: 4, dVocab: 50, nCtx: 8 }).cfg).edgeCount);
  assert.ok(r.forward_ratio > 0 && Number.isFinite(r.forward_ratio));
  assert.ok(r.grad_ratio > 0 && Number.isFinite(r.grad_ratio));
});
