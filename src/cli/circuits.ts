// `glassbox circuits ...`: circuit discovery and faithfulness. Parsing only; the work lives in src/circuits.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { ABLATION_NAMES } from '../circuits/ablations.js';
import { ALGORITHMS } from '../circuits/algorithms/index.js';
import { METRICS } from '../circuits/metrics.js';
import { TASKS, taskByName, datasetToJson } from '../circuits/tasks/index.js';
import { runAblationComparison, runDiscover, runFaithfulness, runTrainModel, type CircuitRunOptions } from '../circuits/study.js';
import type { CurveSizes } from '../circuits/faithfulness.js';

function int(flag: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`${flag} must be an integer >= ${min}, got '${v}'`);
  return Number(v);
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${flag} must be a number, got '${v}'`);
  return n;
}

function sizes(v: string | undefined): CurveSizes | undefined {
  if (v === undefined || v === 'log' || v === 'all') return v;
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((s) => !/^\d+$/.test(s))) throw new Error(`--sizes must be "log", "all" or comma-separated edge counts, got '${v}'`);
  return parts.map(Number);
}

type Opts = Record<string, string | boolean | undefined>;

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--model <dir>', 'model directory (from train-model, or any glassbox/HF GPT-2 model with --dataset)')
    .option('--task <name>', `prompts from a task generator (${Object.keys(TASKS).join(', ')}); default: the model's task`)
    .option('--dataset <file>', 'prompts from a dataset JSON file instead of a task')
    .option('--tokenizer <dir>', 'GPT-2 tokenizer directory (vocab.json, merges.txt) for text prompts, e.g. IOI or greater-than on user-supplied GPT-2 weights')
    .requiredOption('--out <dir>', 'run directory')
    .option('--seed <n>', 'random seed', '0')
    .option('--quick', 'fewer prompts')
    .option('--prompts <n>', 'number of generated prompts')
    .option('--batch-size <n>', 'prompts per forward pass', '32')
    .option('--ablation <type>', `${ABLATION_NAMES.join(' | ')}`, 'resample')
    .option('--metric <name>', `${Object.keys(METRICS).join(' | ')}`)
    .option('--direction <d>', 'ablate (clean prompts, patch in ablated activations) | restore (corrupt prompts, patch in clean activations)', 'ablate')
    .option('--set <s>', 'patch the circuit or its complement', 'complement')
    .option('--nodes', 'node graph (one mask per head/MLP) instead of edges')
    .option('--whole-attention-input', 'one input per head instead of separate Q, K, V inputs')
    .option('--per-position', 'one edge per token position');
}

function commonOptions(o: Opts): CircuitRunOptions {
  const s = (k: string) => o[k] as string | undefined;
  return {
    model: s('model')!,
    task: s('task'),
    dataset: s('dataset'),
    tokenizer: s('tokenizer'),
    out: s('out')!,
    seed: int('--seed', s('seed'), 0),
    quick: !!o.quick,
    prompts: int('--prompts', s('prompts')),
    batchSize: int('--batch-size', s('batchSize')),
    ablation: s('ablation'),
    metric: s('metric'),
    direction: s('direction'),
    set: s('set'),
    graph: { level: o.nodes ? 'node' : 'edge', separateQkv: !o.wholeAttentionInput },
    perPosition: !!o.perPosition,
  };
}

function print(summary: unknown): void {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

export function registerCircuits(program: Command): void {
  const c = program.command('circuits').description('circuits: patchable edge graphs, ablations, metrics, discovery (EAP, EAP-IG, ACDC) and faithfulness');
  c.command('list')
    .description('list tasks, ablations, metrics and discovery algorithms')
    .action(() => {
      print({ tasks: Object.fromEntries(Object.keys(TASKS).map((t) => [t, taskByName(t).description])), ablations: ABLATION_NAMES, metrics: Object.keys(METRICS), algorithms: Object.keys(ALGORITHMS) });
    });
  c.command('make-dataset <task>')
    .description('write generated prompts of a task as a dataset JSON file')
    .requiredOption('--out <file>', 'output JSON file')
    .option('--prompts <n>', 'number of prompts', '100')
    .option('--seed <n>', 'random seed', '0')
    .action((task: string, o: Opts) => {
      const ds = taskByName(task).generate(new Rng(int('--seed', o.seed as string, 0)!).fork('prompts'), int('--prompts', o.prompts as string)!);
      writeFileSync(o.out as string, `${JSON.stringify(datasetToJson(ds))}\n`);
      process.stdout.write(`wrote ${ds.prompts.length} prompts to ${o.out}\n`);
    });
  c.command('train-model <task>')
    .description('train a small transformer that solves a task; writes the model (config.json, model.safetensors, task.json), results.json and report.html to DIR')
    .requiredOption('--out <dir>', 'run and model directory')
    .option('--seed <n>', 'random seed', '0')
    .option('--quick', 'a quarter of the training steps')
    .option('--steps <n>', 'training steps (batch 64)')
    .option('--layers <n>', 'transformer blocks (default per task, 2)')
    .option('--heads <n>', 'attention heads per block')
    .option('--d-model <n>', 'residual width')
    .option('--attn-only', 'attention-only model')
    .option('--with-mlp', 'model with MLPs')
    .action(async (task: string, o: Opts) => {
      await initBackend();
      const s = (k: string) => o[k] as string | undefined;
      print(await runTrainModel({
        task,
        out: s('out')!,
        seed: int('--seed', s('seed'), 0),
        quick: !!o.quick,
        steps: int('--steps', s('steps')),
        layers: int('--layers', s('layers')),
        heads: int('--heads', s('heads')),
        dModel: int('--d-model', s('dModel')),
        attnOnly: o.attnOnly ? true : o.withMlp ? false : undefined,
      }));
    });
  common(c.command('faithfulness').description('evaluate an edge set: results.json summary.faithfulness (circuit vs full model vs empty circuit) with per-prompt values, and report.html'))
    .requiredOption('--edges <file>', 'JSON: ["A0.1->A1.0.Q", ...], {"edges": [...]}, or {"scores": {...}} (e.g. a discover run\'s edge-scores.json) with --top')
    .option('--top <k>', 'with a scores file: the K highest-|score| edges')
    .action(async (o: Opts) => {
      await initBackend();
      print(await runFaithfulness({ ...commonOptions(o), edges: o.edges as string, top: int('--top', o.top as string | undefined, 0) }));
    });
  common(c.command('compare-ablations').description('evaluate one edge set under every ablation (and restore-from-corrupt): the faithfulness numbers side by side'))
    .requiredOption('--edges <file>', 'JSON edge list, {"edges": [...]}, or {"scores": {...}} with --top')
    .option('--top <k>', 'with a scores file: the K highest-|score| edges')
    .action(async (o: Opts) => {
      await initBackend();
      print(await runAblationComparison({ ...commonOptions(o), edges: o.edges as string, top: int('--top', o.top as string | undefined, 0) }));
    });
  common(c.command('discover').description('score every edge with a discovery algorithm; writes edge-scores.json, the faithfulness curve (results.json) and report.html'))
    .option('--algorithm <name>', `${Object.keys(ALGORITHMS).join(' | ')}`, 'eap')
    .option('--sizes <s>', 'circuit sizes of the curve: log | all | comma-separated edge counts', 'log')
    .option('--steps <n>', 'eap-ig interpolation steps', '10')
    .option('--threshold <x>', 'acdc threshold', '0.01')
    .option('--candidates <n>', 'acdc: candidate edges measured per forward pass (same decisions as one at a time); default: about 256 token rows per pass, 1-16')
    .option('--draw-edges <n>', 'edges drawn in the circuit graph', '30')
    .action(async (o: Opts) => {
      await initBackend();
      print(await runDiscover({
        ...commonOptions(o),
        algorithm: o.algorithm as string,
        sizes: sizes(o.sizes as string | undefined),
        steps: int('--steps', o.steps as string | undefined),
        threshold: num('--threshold', o.threshold as string | undefined),
        candidates: int('--candidates', o.candidates as string | undefined),
        drawEdges: int('--draw-edges', o.drawEdges as string | undefined),
      }));
    });
}
