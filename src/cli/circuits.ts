// `glassbox circuits ...`: circuit discovery and faithfulness. Parsing only; the work lives in src/circuits.
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { ABLATION_NAMES } from '../circuits/ablations.js';
import { ALGORITHMS } from '../circuits/algorithms/index.js';
import { METRICS } from '../circuits/metrics.js';
import { TASKS, taskByName, datasetToJson } from '../circuits/tasks/index.js';
import { runAblationComparison, runDiscover, runFaithfulness, runTrainModel, type CircuitRunOptions } from '../circuits/study.js';
import type { CurveSizes } from '../circuits/faithfulness.js';
import { addExperimentOptions, experimentSettings, parseNonNegativeInt, parseNumber, parsePositiveInt, parseSeed, type ExperimentCliOptions } from './options.js';

function parseSizes(value: string): CurveSizes {
  if (value === 'log' || value === 'all') return value;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => !/^\d+$/.test(s))) throw new InvalidArgumentError(`expected "log", "all" or comma-separated edge counts, got "${value}"`);
  return parts.map(Number);
}

/** The options every run command shares, under their CLI names. */
interface RunOpts extends ExperimentCliOptions {
  model: string;
  task?: string;
  dataset?: string;
  tokenizer?: string;
  prompts?: number;
  batchSize: number;
  ablation: string;
  metric?: string;
  direction: string;
  set: string;
  nodes?: boolean;
  wholeAttentionInput?: boolean;
  perPosition?: boolean;
}

interface EdgeSetOpts extends RunOpts {
  edges: string;
  top?: number;
}

function common(cmd: Command): Command {
  cmd
    .requiredOption('--model <dir>', 'model directory (from train-model, or any glassbox/HF GPT-2 model with --dataset)')
    .option('--task <name>', `prompts from a task generator (${Object.keys(TASKS).join(', ')}); default: the model's task`)
    .option('--dataset <file>', 'prompts from a dataset JSON file instead of a task')
    .option('--tokenizer <dir>', 'GPT-2 tokenizer directory (vocab.json, merges.txt) for text prompts, e.g. IOI or greater-than on user-supplied GPT-2 weights');
  return addExperimentOptions(cmd, { out: 'run directory', quick: 'fewer prompts' })
    .option('--prompts <n>', 'number of generated prompts', parsePositiveInt)
    .option('--batch-size <n>', 'prompts per forward pass', parsePositiveInt, 32)
    .option('--ablation <type>', `${ABLATION_NAMES.join(' | ')}`, 'resample')
    .option('--metric <name>', `${Object.keys(METRICS).join(' | ')}; default: the task's (prob-diff for greater-than, logit-diff otherwise), kl-clean for acdc`)
    .option('--direction <d>', 'ablate (clean prompts, patch in ablated activations) | restore (corrupt prompts, patch in clean activations)', 'ablate')
    .option('--set <s>', 'patch the circuit or its complement', 'complement')
    .option('--nodes', 'node graph (one mask per head/MLP) instead of edges')
    .option('--whole-attention-input', 'one input per head instead of separate Q, K, V inputs')
    .option('--per-position', 'one edge per token position');
}

function edgeSetOptions(cmd: Command): Command {
  return common(cmd)
    .requiredOption('--edges <file>', 'JSON: ["A0.1->A1.0.Q", ...], {"edges": [...]}, or {"scores": {...}} (e.g. a discover run\'s edge-scores.json) with --top')
    .option('--top <k>', 'with a scores file: the K highest-|score| edges', parseNonNegativeInt);
}

function commonOptions(o: RunOpts): CircuitRunOptions {
  const { outDir, seed, quick } = experimentSettings(o);
  return {
    model: o.model,
    task: o.task,
    dataset: o.dataset,
    tokenizer: o.tokenizer,
    out: outDir,
    seed,
    quick,
    prompts: o.prompts,
    batchSize: o.batchSize,
    ablation: o.ablation,
    metric: o.metric,
    direction: o.direction,
    set: o.set,
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
    .option('--prompts <n>', 'number of prompts', parsePositiveInt, 100)
    .option('--seed <n>', 'random seed', parseSeed, 0)
    .action((task: string, o: { out: string; prompts: number; seed: number }) => {
      const ds = taskByName(task).generate(new Rng(o.seed).fork('prompts'), o.prompts);
      writeFileSync(o.out, `${JSON.stringify(datasetToJson(ds))}\n`);
      process.stdout.write(`wrote ${ds.prompts.length} prompts to ${o.out}\n`);
    });
  const trainModel = c
    .command('train-model <task>')
    .description('train a small transformer that solves a task; writes the model (config.json, model.safetensors, task.json), results.json and report.html to DIR');
  addExperimentOptions(trainModel, { out: 'run and model directory', quick: 'a quarter of the training steps' })
    .option('--steps <n>', 'training steps (batch 64)', parsePositiveInt)
    .option('--layers <n>', 'transformer blocks (default per task, 2)', parsePositiveInt)
    .option('--heads <n>', 'attention heads per block', parsePositiveInt)
    .option('--d-model <n>', 'residual width', parsePositiveInt)
    .option('--attn-only', 'attention-only model')
    .option('--with-mlp', 'model with MLPs')
    .action(async (task: string, o: ExperimentCliOptions & { steps?: number; layers?: number; heads?: number; dModel?: number; attnOnly?: boolean; withMlp?: boolean }) => {
      await initBackend();
      const { outDir, seed, quick } = experimentSettings(o);
      print(await runTrainModel({
        task,
        out: outDir,
        seed,
        quick,
        steps: o.steps,
        layers: o.layers,
        heads: o.heads,
        dModel: o.dModel,
        attnOnly: o.attnOnly ? true : o.withMlp ? false : undefined,
      }));
    });
  edgeSetOptions(c.command('faithfulness').description('evaluate an edge set: results.json summary.faithfulness (circuit vs full model vs empty circuit) with per-prompt values, and report.html'))
    .action(async (o: EdgeSetOpts) => {
      await initBackend();
      print(await runFaithfulness({ ...commonOptions(o), edges: o.edges, top: o.top }));
    });
  edgeSetOptions(c.command('compare-ablations').description('evaluate one edge set under every ablation (and restore-from-corrupt): the faithfulness numbers side by side'))
    .action(async (o: EdgeSetOpts) => {
      await initBackend();
      print(await runAblationComparison({ ...commonOptions(o), edges: o.edges, top: o.top }));
    });
  common(c.command('discover').description('score every edge with a discovery algorithm; writes edge-scores.json, the faithfulness curve (results.json) and report.html'))
    .option('--algorithm <name>', `${Object.keys(ALGORITHMS).join(' | ')}`, 'eap')
    .option('--sizes <s>', 'circuit sizes of the curve: log | all | comma-separated edge counts', parseSizes, 'log' as CurveSizes)
    .option('--steps <n>', 'eap-ig: backward passes, at mask values (k + 1/2) / steps', parsePositiveInt, 10)
    .option('--threshold <x>', 'acdc threshold', parseNumber, 0.01)
    .option('--candidates <n>', 'acdc: candidate edges measured per forward pass (same decisions as one at a time); default: about 256 token rows per pass, 1-16', parsePositiveInt)
    .option('--draw-edges <n>', 'edges drawn in the circuit graph', parsePositiveInt, 30)
    .action(async (o: RunOpts & { algorithm: string; sizes: CurveSizes; steps: number; threshold: number; candidates?: number; drawEdges: number }) => {
      await initBackend();
      print(await runDiscover({
        ...commonOptions(o),
        algorithm: o.algorithm,
        sizes: o.sizes,
        steps: o.steps,
        threshold: o.threshold,
        candidates: o.candidates,
        drawEdges: o.drawEdges,
      }));
    });
}
