// The circuits experiments behind `glassbox circuits ...`: train a task model, evaluate a given
// edge set's faithfulness, discover edge scores and their faithfulness curve. Each writes
// DIR/results.json (with `summary`) and DIR/report.html.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../engine/rng.js';
import { createRun, writeResults, writeReport, table, plot, lineChart, barChart, keyValues, svg, progressBar, type ProgressBar } from '../report/index.js';
import type { HookedTransformer } from '../nn/transformer/index.js';
import { ABLATION_NAMES, makeAblation } from './ablations.js';
import { algorithmByName } from './algorithms/index.js';
import { checkDirection, checkPatchSet, disposeBatches, prepareBatches, type Direction, type PatchSet } from './evaluate.js';
import { evaluateCircuit, faithfulnessCurve, rankEdges, type CircuitEvaluation, type CurveSizes } from './faithfulness.js';
import type { GraphOptions } from './graph.js';
import { metricByName } from './metrics.js';
import { PatchableModel } from './patchable-model.js';
import { loadDataset, retokenize, wordTokenizer, type CircuitDataset } from './tasks/dataset.js';
import { Gpt2Tokenizer } from '../nn/tokenizer/index.js';
import { taskByName } from './tasks/index.js';
import { loadTaskModel, saveTaskModel, trainTaskModel, type TaskModelInfo } from './tasks/train-model.js';
import { circuitSvg } from './visualize.js';

const HOVER_NOTE = 'Hover over an edge or node for its name and score; the same drawing is saved as circuit.svg.';

export interface TrainModelRunOptions {
  task: string;
  out: string;
  seed?: number;
  quick?: boolean;
  steps?: number;
  layers?: number;
  heads?: number;
  dModel?: number;
  attnOnly?: boolean;
}

export async function runTrainModel(o: TrainModelRunOptions): Promise<Record<string, unknown>> {
  const task = taskByName(o.task);
  const seed = o.seed ?? 0;
  const run = createRun(o.out, { seed });
  const steps = o.steps ?? (o.quick ? Math.ceil(task.trainSteps / 4) : task.trainSteps);
  const bar = progressBar(steps, `train ${task.name}`);
  const shape = { ...(o.layers ? { nLayers: o.layers } : {}), ...(o.heads ? { nHeads: o.heads } : {}), ...(o.dModel ? { dModel: o.dModel } : {}), ...(o.attnOnly !== undefined ? { attnOnly: o.attnOnly } : {}) };
  if (shape.nLayers !== undefined && (shape.nLayers < 1 || shape.nLayers > 12)) throw new Error(`--layers must be in 1..12, got ${shape.nLayers}`);
  const trained = trainTaskModel({ task, seed, steps, shape, onProgress: (s, _n, loss) => bar.update(s, { loss }) });
  bar.stop();
  const info: TaskModelInfo = { task: task.name, vocab: task.vocab, accuracy: trained.accuracy, seed };
  saveTaskModel(run.outDir, trained.model, info);
  const summary = { task: task.name, accuracy: trained.accuracy, finalLoss: trained.losses[trained.losses.length - 1], steps, model: shapeOf(trained.model) };
  writeResults(run.outDir, { summary, losses: trained.losses });
  await writeReport(run.outDir, {
    title: `Task model: ${task.name}`,
    intro: `${task.description}. Model saved in this directory (config.json, model.safetensors, task.json); use it with --model ${o.out}.`,
    sections: [
      { title: 'Result', blocks: [keyValues({ 'top-1 accuracy (%)': trained.accuracy, steps, 'final loss': summary.finalLoss })] },
      { title: 'Training loss', blocks: [plot(lineChart({ series: [{ name: 'loss', x: trained.losses.map((_, i) => i + 1), y: trained.losses }], xTitle: 'step', yTitle: 'loss' }))] },
    ],
  });
  trained.model.dispose();
  return summary;
}

/** A progress bar created at the first report, when the total is known. */
function lazyBar(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  let bar: ProgressBar | null = null;
  return {
    update: (done, total) => {
      bar ??= progressBar(total, label);
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

function shapeOf(model: HookedTransformer) {
  const { nLayers, nHeads, dModel, attnOnly, dVocab, nCtx } = model.cfg;
  return { nLayers, nHeads, dModel, attnOnly, dVocab, nCtx };
}

export interface CircuitRunOptions {
  model: string;
  /** A task name (prompts generated) or omitted when `dataset` is given; defaults to the model's task. */
  task?: string;
  dataset?: string;
  /** A GPT-2 tokenizer directory (vocab.json + merges.txt) for text datasets and tasks on models without task.json. */
  tokenizer?: string;
  out: string;
  seed?: number;
  quick?: boolean;
  prompts?: number;
  batchSize?: number;
  ablation?: string;
  metric?: string;
  direction?: string;
  set?: string;
  /** Graph level and Q/K/V split (the prompts' length is filled in for per-position edges). */
  graph?: Omit<GraphOptions, 'seqLen'>;
  /** One edge per token position. */
  perPosition?: boolean;
}

interface Loaded {
  pm: PatchableModel;
  dataset: CircuitDataset;
  direction: Direction;
  set: PatchSet;
  /** The metric when none is given: the task's own (greater-than: prob-diff), else logit-diff. */
  defaultMetric: string;
}

function loadForRun(o: CircuitRunOptions, defaultPrompts: number): Loaded {
  const { model, info } = loadTaskModel(o.model);
  const taskName = o.task ?? (o.dataset ? undefined : info?.task);
  const task = taskName ? taskByName(taskName) : undefined;
  const bpe = o.tokenizer ? Gpt2Tokenizer.fromFiles(join(o.tokenizer, 'vocab.json'), join(o.tokenizer, 'merges.txt')) : null;
  let dataset: CircuitDataset;
  if (o.dataset) {
    const tokenizer = bpe ?? (info ? wordTokenizer(info.vocab) : undefined);
    dataset = loadDataset(o.dataset, { vocabSize: model.cfg.dVocab, ...(tokenizer ? { tokenizer } : {}) });
  } else {
    if (!task) throw new Error(`${o.model} has no task.json; give --task or --dataset`);
    const count = o.prompts ?? (o.quick ? Math.ceil(defaultPrompts / 4) : defaultPrompts);
    const words = task.generate(new Rng(o.seed ?? 0).fork('prompts'), count);
    if (bpe) dataset = retokenize(words, bpe, model.cfg.dVocab);
    else {
      if (info && info.vocab.join('\u0000') !== task.vocab.join('\u0000')) throw new Error(`task "${task.name}" (${task.vocab.length} tokens) has a different vocabulary from the model in ${o.model} (trained for "${info.task}", ${info.vocab.length} tokens)`);
      if (!info) throw new Error(`${o.model} has no task.json (not trained by train-model); give --tokenizer DIR to run task "${task.name}" through its tokenizer`);
      dataset = words;
    }
  }
  if (dataset.seqLen > model.cfg.nCtx) throw new Error(`prompts have ${dataset.seqLen} tokens, more than the model's context ${model.cfg.nCtx}`);
  const graph: GraphOptions = { ...(o.graph ?? {}), ...(o.perPosition ? { seqLen: dataset.seqLen } : {}) };
  const defaultMetric = task?.metric ?? 'logit-diff';
  return { pm: new PatchableModel(model, graph), dataset, direction: checkDirection(o.direction ?? 'ablate'), set: checkPatchSet(o.set ?? 'complement'), defaultMetric };
}

/** Edge names from a file: ["A->B", ...], {"edges": [...]}, or {"scores": {name: score}} with `top`. */
export function readEdgeFile(path: string, top?: number): { names: string[]; scores: Record<string, number> | null } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read edge file ${path}: ${(e as Error).message}`);
  }
  const obj = json as Record<string, unknown>;
  if (Array.isArray(json) || Array.isArray(obj.edges)) {
    const names = (Array.isArray(json) ? json : obj.edges) as unknown[];
    if (names.some((n) => typeof n !== 'string')) throw new Error(`${path}: edges must be strings like "A0.1->A1.0.Q"`);
    return { names: names as string[], scores: null };
  }
  if (obj && typeof obj.scores === 'object' && obj.scores !== null) {
    const scores = obj.scores as Record<string, number>;
    const sorted = Object.entries(scores).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
    if (top === undefined) throw new Error(`${path} holds edge scores; give --top K to take the K highest-scoring edges`);
    return { names: sorted.slice(0, top).map(([n]) => n), scores };
  }
  throw new Error(`${path}: expected an array of edge names, {"edges": [...]}, or {"scores": {...}}`);
}

function runConfig(o: CircuitRunOptions, l: Loaded, ablation: string, metric: string) {
  return { model: o.model, task: o.task ?? null, dataset: o.dataset ?? null, prompts: l.dataset.prompts.length, ablation, metric, direction: l.direction, set: l.set, graph: { level: l.pm.graph.level, separateQkv: l.pm.graph.separateQkv, seqLen: l.pm.graph.seqLen, edges: l.pm.graph.edgeCount } };
}

export async function runFaithfulness(o: CircuitRunOptions & { edges: string; top?: number }): Promise<Record<string, unknown>> {
  const run = createRun(o.out, { seed: o.seed ?? 0 });
  const l = loadForRun(o, 200);
  const { pm, dataset } = l;
  const { names } = readEdgeFile(o.edges, o.top);
  const indices = pm.graph.indicesOf(names);
  const circuit = pm.graph.maskOf(indices);
  const ablationName = o.ablation ?? 'resample';
  const metric = metricByName(o.metric ?? l.defaultMetric);
  const ablation = makeAblation(ablationName, pm, dataset);
  const prepared = prepareBatches(pm, dataset, ablation, l.direction, o.batchSize ?? 32);
  let evaln;
  try {
    evaln = evaluateCircuit(pm, prepared, circuit, l.set, metric);
  } finally {
    disposeBatches(prepared);
    ablation.dispose();
  }
  const { perPrompt, ...faithfulness } = evaln;
  const summary = { faithfulness };
  writeResults(run.outDir, { summary, perPrompt, edges: names, config: runConfig(o, l, ablationName, metric.name) });
  const scores = new Float32Array(pm.graph.edgeCount);
  for (const i of indices) scores[i] = 1;
  const drawing = circuitSvg(pm.graph, scores, { edges: indices, title: `circuit (${indices.length} edges)` });
  writeFileSync(join(run.outDir, 'circuit.svg'), drawing);
  await writeReport(run.outDir, {
    title: `Circuit faithfulness: ${dataset.name}`,
    intro: `${indices.length} edges of ${pm.graph.edgeCount}; ablation ${ablationName}, direction ${l.direction}, patching the ${l.set}; metric ${metric.name} over ${dataset.prompts.length} prompts.`,
    sections: [
      { title: 'Faithfulness', blocks: [keyValues({ circuit: faithfulness.circuit, 'full model': faithfulness.fullModel, 'empty circuit': faithfulness.emptyCircuit, '% of full (ratio of averages)': faithfulness.ratioOfAverages, '% of full (average of ratios)': faithfulness.averageOfRatios, normalized: faithfulness.normalized })] },
      { title: 'Circuit', blocks: [svg(drawing, HOVER_NOTE)] },
    ],
  });
  pm.model.dispose();
  return summary;
}

export async function runDiscover(o: CircuitRunOptions & { algorithm: string; sizes?: CurveSizes; steps?: number; threshold?: number; candidates?: number; drawEdges?: number }): Promise<Record<string, unknown>> {
  const run = createRun(o.out, { seed: o.seed ?? 0 });
  const algorithm = algorithmByName(o.algorithm);
  const l = loadForRun(o, 100);
  const { pm, dataset } = l;
  const ablationName = o.ablation ?? 'resample';
  const metric = metricByName(o.metric ?? (o.algorithm === 'acdc' ? 'kl-clean' : l.defaultMetric));
  const ablation = makeAblation(ablationName, pm, dataset);
  const t0 = Date.now();
  const bar = lazyBar(o.algorithm);
  let scores: Float32Array;
  let curve;
  try {
    scores = algorithm(pm, dataset, ablation, metric, { direction: l.direction, batchSize: o.batchSize, steps: o.steps, threshold: o.threshold, candidates: o.candidates, onProgress: bar.update });
    bar.stop();
    const discoverSeconds = (Date.now() - t0) / 1000;
    const prepared = prepareBatches(pm, dataset, ablation, l.direction, o.batchSize ?? 32);
    try {
      const sizes = o.sizes ?? 'log';
      const cbar = lazyBar('faithfulness curve');
      curve = { ...faithfulnessCurve(pm, prepared, scores, sizes, l.set, metric, cbar.update), discoverSeconds };
      cbar.stop();
    } finally {
      disposeBatches(prepared);
    }
  } finally {
    ablation.dispose();
  }
  const named: Record<string, number> = {};
  for (const i of rankEdges(scores)) named[pm.graph.edges[i].name] = scores[i];
  writeFileSync(join(run.outDir, 'edge-scores.json'), `${JSON.stringify({ algorithm: o.algorithm, metric: metric.name, ablation: ablationName, scores: named }, null, 1)}\n`);
  const top = rankEdges(scores).slice(0, o.drawEdges ?? 30);
  const drawing = circuitSvg(pm.graph, scores, { edges: top, title: `${o.algorithm}: top ${top.length} edges` });
  writeFileSync(join(run.outDir, 'circuit.svg'), drawing);
  const summary = { algorithm: o.algorithm, metric: metric.name, edges: pm.graph.edgeCount, area: curve.area, discoverSeconds: curve.discoverSeconds, topEdges: top.slice(0, 10).map((i) => ({ edge: pm.graph.edges[i].name, score: scores[i] })) };
  writeResults(run.outDir, { summary, curve: curve.points.map((p) => ({ edges: p.edges, mean: p.mean, perPrompt: p.perPrompt })), config: runConfig(o, l, ablationName, metric.name) });
  await writeReport(run.outDir, {
    title: `Circuit discovery (${o.algorithm}): ${dataset.name}`,
    intro: `Edge scores from ${o.algorithm} (metric ${metric.name}, ablation ${ablationName}, direction ${l.direction}) over ${dataset.prompts.length} prompts, ${pm.graph.edgeCount} edges. Scores are in edge-scores.json.`,
    sections: [
      { title: 'Faithfulness curve', blocks: [plot(lineChart({ series: [{ name: metric.name, x: curve.points.map((p) => p.edges), y: curve.points.map((p) => p.mean) }], xTitle: 'edges in circuit (highest |score| first)', yTitle: metric.name })), keyValues({ 'area under the curve (x = fraction of edges)': curve.area })] },
      { title: 'Top edges', blocks: [svg(drawing, HOVER_NOTE), table(['edge', 'score'], top.map((i) => [pm.graph.edges[i].name, scores[i]]))] },
    ],
  });
  pm.model.dispose();
  return summary;
}

/**
 * One edge set under every ablation, in both directions where defined (restore: resample only):
 * the faithfulness numbers side by side, to show how much they move with the method.
 */
export async function runAblationComparison(o: CircuitRunOptions & { edges: string; top?: number }): Promise<Record<string, unknown>> {
  const run = createRun(o.out, { seed: o.seed ?? 0 });
  const l = loadForRun(o, 100);
  const { pm, dataset } = l;
  const { names } = readEdgeFile(o.edges, o.top);
  const circuit = pm.graph.maskOf(pm.graph.indicesOf(names));
  const metric = metricByName(o.metric ?? l.defaultMetric);
  const settings = [
    ...ABLATION_NAMES.map((a) => ({ ablation: a, direction: 'ablate' as Direction, set: 'complement' as PatchSet })),
    { ablation: 'resample', direction: 'restore' as Direction, set: 'circuit' as PatchSet },
  ];
  const rows: ({ ablation: string; direction: Direction; set: PatchSet } & CircuitEvaluation)[] = [];
  for (const st of settings) {
    const ablation = makeAblation(st.ablation, pm, dataset);
    const prepared = prepareBatches(pm, dataset, ablation, st.direction, o.batchSize ?? 32);
    try {
      rows.push({ ...st, ...evaluateCircuit(pm, prepared, circuit, st.set, metric) });
    } finally {
      disposeBatches(prepared);
      ablation.dispose();
    }
  }
  const key = (r: { ablation: string; direction: string }) => `${r.ablation}/${r.direction}`;
  const summary = { metric: metric.name, edges: names.length, normalized: Object.fromEntries(rows.map((r) => [key(r), r.normalized])), ratioOfAverages: Object.fromEntries(rows.map((r) => [key(r), r.ratioOfAverages])), averageOfRatios: Object.fromEntries(rows.map((r) => [key(r), r.averageOfRatios])) };
  writeResults(run.outDir, { summary, settings: rows, edges: names, config: runConfig(o, l, 'all', metric.name) });
  await writeReport(run.outDir, {
    title: `Faithfulness across ablations: ${dataset.name}`,
    intro: `One circuit of ${names.length} edges (of ${pm.graph.edgeCount}), metric ${metric.name}, ${dataset.prompts.length} prompts, under every ablation ("ablate": clean prompts with everything outside the circuit ablated; "restore": corrupt prompts with the circuit's edges restored to clean activations).`,
    sections: [
      {
        title: 'Faithfulness by method',
        blocks: [
          table(['ablation', 'direction', 'circuit', 'full model', 'empty circuit', '% of full (ratio of averages)', '% of full (average of ratios)', 'normalized'], rows.map((r) => [r.ablation, r.direction, r.circuit, r.fullModel, r.emptyCircuit, r.ratioOfAverages, r.averageOfRatios, r.normalized])),
          plot(barChart({ categories: rows.map(key), groups: [{ name: 'normalized faithfulness', values: rows.map((r) => r.normalized ?? NaN) }], xTitle: 'ablation / direction', yTitle: 'normalized' })),
        ],
      },
    ],
  });
  pm.model.dispose();
  return summary;
}
