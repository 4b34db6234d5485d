// `glassbox route rl`: the oversight sweep. Every method x oversight rate x seed is trained and its
// deployed policy evaluated on the true reward; results.json holds the summary (the results
// contract), every run, and the learning curves; report.html shows true return vs oversight,
// diamond/ghost rates, curves, and says where a baseline matches routing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../engine/backend.js';
import {
  createRun,
  keyValues,
  lineChart,
  plot,
  progressBar,
  table,
  text,
  writeReport,
  writeResults,
  type Cell,
  type PlotSpec,
  type ReportSection,
} from '../../report/index.js';
import { checkOversight } from './env.js';
import { METHOD_SPECS, methodUpdates, type MethodName } from './methods.js';
import { RL_DEFAULTS, checkRlConfig, trainMethod, type RlConfig, type RunOutcome } from './train.js';
import type { Algo } from './learner.js';

export const PAPER_OVERSIGHT_RATES = [0.003, 0.01, 0.025, 0.05, 0.1];

export interface RlExperimentOptions {
  outDir: string;
  seed: number;
  quick: boolean;
  oversights?: number[];
  methods?: MethodName[];
  seeds?: number;
  algo?: Algo;
  updates?: number;
  envs?: number;
  rolloutSteps?: number;
  hidden?: number;
  lr?: number;
  /** Weight of the gate's cross-entropy loss on overseen episodes. */
  gateCoef?: number;
  /** Whether the gate sees the oversight plane. */
  gateOversight?: boolean;
  /** Progress output (default: progress bars on stderr when a TTY). */
  quiet?: boolean;
}

/** The configuration of quick mode: 1 percent oversight, routing and naive, one seed, fewer updates. */
export const QUICK = { oversights: [0.01], methods: ['routing', 'naive'] as MethodName[], seeds: 1, updates: 300 };
export const FULL = { oversights: PAPER_OVERSIGHT_RATES, methods: ['routing', 'naive', 'filter', 'oracle', 'no-route'] as MethodName[], seeds: 4 };

export interface Aggregate {
  method: string;
  oversight: number;
  seeds: number;
  diamondRate: number;
  ghostRate: number;
  trueReturn: number;
  trueReturnStd: number;
  trueReturnMin: number;
  trueReturnMax: number;
  /** The policy that acted in training (the gate's mixture for routing and no-route), on the true reward. */
  trainingDiamondRate: number;
  trainingGhostRate: number;
  /** Deployed policy's diamond rate in episodes whose ghost starts nearer (the case the proxy teaches to get wrong). */
  diamondRateGhostNearer: number;
  /** Experts architecture: mean gate weight on the diamond expert, by which terminal starts nearer (NaN otherwise). */
  gateDiamondNearer: number;
  gateGhostNearer: number;
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(a.length, 1);
const std = (a: number[]) => {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
};

export function aggregate(runs: RunOutcome[]): Aggregate[] {
  type Eval = RunOutcome['deployed'];
  const groups = new Map<string, { method: string; oversight: number; evals: Eval[]; training: Eval[] }>();
  const add = (method: string, oversight: number, e: Eval, training: Eval) => {
    const key = `${method}@${oversight}`;
    if (!groups.has(key)) groups.set(key, { method, oversight, evals: [], training: [] });
    groups.get(key)!.evals.push(e);
    groups.get(key)!.training.push(training);
  };
  for (const r of runs) {
    add(r.method, r.oversight, r.deployed, r.training);
    if (r.earlyStopped) add('naive (early-stopped)', r.oversight, r.earlyStopped.deployed, r.earlyStopped.deployed);
  }
  return [...groups.values()].map(({ method, oversight, evals, training }) => {
    const tr = evals.map((e) => e.trueReturn);
    return {
      method,
      oversight,
      seeds: evals.length,
      diamondRate: mean(evals.map((e) => e.diamondRate)),
      ghostRate: mean(evals.map((e) => e.ghostRate)),
      trueReturn: mean(tr),
      trueReturnStd: std(tr),
      trueReturnMin: Math.min(...tr),
      trueReturnMax: Math.max(...tr),
      trainingDiamondRate: mean(training.map((e) => e.diamondRate)),
      trainingGhostRate: mean(training.map((e) => e.ghostRate)),
      diamondRateGhostNearer: mean(evals.map((e) => e.diamondRateGhostNearer ?? NaN)),
      gateDiamondNearer: mean(training.map((e) => e.gateDiamondNearer ?? NaN)),
      gateGhostNearer: mean(training.map((e) => e.gateGhostNearer ?? NaN)),
    };
  });
}

/**
 * Where a baseline matches (or beats) routing: same oversight, its mean true return within the
 * larger of the two seed standard deviations of routing's, or above it.
 */
export function matchesRouting(aggs: Aggregate[]): string[] {
  const out: string[] = [];
  for (const r of aggs.filter((a) => a.method === 'routing')) {
    for (const b of aggs.filter((a) => a.oversight === r.oversight && a.method !== 'routing')) {
      const tol = Math.max(r.trueReturnStd, b.trueReturnStd, 0.02);
      if (b.trueReturn > r.trueReturn + tol) out.push(`At ${pct(r.oversight)} oversight, ${b.method} beats routing (true return ${b.trueReturn.toFixed(3)} vs ${r.trueReturn.toFixed(3)}).`);
      else if (b.trueReturn >= r.trueReturn - tol) out.push(`At ${pct(r.oversight)} oversight, ${b.method} matches routing (true return ${b.trueReturn.toFixed(3)} vs ${r.trueReturn.toFixed(3)}, within ${tol.toFixed(3)}).`);
    }
  }
  return out;
}

const pct = (p: number) => `${+(p * 100).toFixed(2)}%`;

function headlineOversight(oversights: number[]): number {
  return oversights.includes(0.01) ? 0.01 : oversights[0];
}

/** True return vs oversight: the seed mean as a line with points, and the seed spread as error bars (+- 1 std). */
function returnVsOversightSpec(runs: RunOutcome[]): PlotSpec {
  const values: Record<string, unknown>[] = [];
  for (const r of runs) {
    values.push({ method: r.method, oversight: r.oversight * 100, trueReturn: r.deployed.trueReturn });
    if (r.earlyStopped) values.push({ method: 'naive (early-stopped)', oversight: r.oversight * 100, trueReturn: r.earlyStopped.deployed.trueReturn });
  }
  const x = { field: 'oversight', type: 'quantitative', title: 'oversight (% of terminal cells overseen)', scale: { type: 'log' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 520,
    height: 300,
    data: { values },
    layer: [
      { mark: { type: 'errorbar', extent: 'stdev' }, encoding: { x, y: { field: 'trueReturn', type: 'quantitative', title: 'true return at deployment' }, color: { field: 'method', type: 'nominal' } } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { aggregate: 'mean', field: 'trueReturn', type: 'quantitative' }, color: { field: 'method', type: 'nominal', title: null } } },
    ],
  } as unknown as PlotSpec;
}

function curveSeries(runs: RunOutcome[], field: 'trueReturn' | 'proxyReturn') {
  const byMethod = new Map<string, RunOutcome[]>();
  for (const r of runs) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
  return [...byMethod.entries()].map(([method, rs]) => {
    const n = Math.min(...rs.map((r) => r.curve.length));
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      x.push(rs[0].curve[i].update);
      y.push(mean(rs.map((r) => r.curve[i][field])));
    }
    return { name: method, x, y };
  });
}

export interface RlExperimentResult {
  resultsPath: string;
  reportPath: string;
  summary: Record<string, unknown>;
}

export async function runRlExperiment(o: RlExperimentOptions): Promise<RlExperimentResult> {
  const oversights = o.oversights ?? (o.quick ? QUICK.oversights : FULL.oversights);
  for (const p of oversights) checkOversight(p, '--oversight');
  if (oversights.length === 0) throw new Error('--oversight: give at least one rate');
  const methods = o.methods ?? (o.quick ? QUICK.methods : FULL.methods);
  const seeds = o.seeds ?? (o.quick ? QUICK.seeds : FULL.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer, got ${seeds}`);
  const base: Omit<RlConfig, 'method' | 'oversight' | 'seed'> = {
    ...RL_DEFAULTS,
    algo: o.algo ?? RL_DEFAULTS.algo,
    updates: o.updates ?? (o.quick ? QUICK.updates : RL_DEFAULTS.updates),
    envs: o.envs ?? RL_DEFAULTS.envs,
    rolloutSteps: o.rolloutSteps ?? RL_DEFAULTS.rolloutSteps,
    hidden: o.hidden ?? RL_DEFAULTS.hidden,
    lr: o.lr ?? RL_DEFAULTS.lr,
    coefs: { ...RL_DEFAULTS.coefs, gate: o.gateCoef ?? RL_DEFAULTS.coefs.gate },
    gateSeesOversight: o.gateOversight ?? RL_DEFAULTS.gateSeesOversight,
  };
  // About 40 curve points per run (20 in quick mode): evaluation costs as much as ~2 updates.
  base.evalEvery = Math.max(10, Math.floor(base.updates / (o.quick ? 20 : 40)));
  // Validate every configuration before any work.
  const configs: RlConfig[] = [];
  for (const oversight of oversights) for (const method of methods) for (let k = 0; k < seeds; k++) configs.push({ ...base, method, oversight, seed: o.seed + k });
  configs.forEach(checkRlConfig);

  const run = createRun(o.outDir, { seed: o.seed });
  await initBackend();
  const totalUpdates = configs.reduce((s, c) => s + methodUpdates(METHOD_SPECS[c.method], c.updates, c.oversight), 0);
  const bar = progressBar(totalUpdates, 'route rl', { quiet: o.quiet });
  let done = 0;
  const runs: RunOutcome[] = [];
  for (const c of configs) {
    const ckpt = join(run.outDir, 'checkpoints', `${c.method}-p${c.oversight}-seed${c.seed}-${c.algo}`);
    const before = done;
    const r = trainMethod(c, {
      checkpointDir: ckpt,
      checkpointEvery: 100,
      onUpdate: (u, _t, m) => {
        done = before + u;
        bar.update(done, { run: `${c.method} p=${c.oversight} s=${c.seed}`, entropy: m.entropy });
      },
    });
    done = before + r.updates;
    runs.push(r);
    if (runs.length < configs.length) await writeOutputs(run.outDir, runs, { base, oversights, methods, seeds, quick: o.quick, planned: configs.length });
  }
  bar.stop();
  return writeOutputs(run.outDir, runs, { base, oversights, methods, seeds, quick: o.quick, planned: configs.length });
}

interface OutputContext {
  base: Omit<RlConfig, 'method' | 'oversight' | 'seed'>;
  oversights: number[];
  methods: MethodName[];
  seeds: number;
  quick: boolean;
  /** Runs planned; when fewer are done, the outputs say the sweep is partial. */
  planned: number;
}

/** Writes results.json and report.html for the runs finished so far (called after every run, so an interrupted sweep keeps its results). */
async function writeOutputs(outDir: string, runs: RunOutcome[], ctx: OutputContext): Promise<RlExperimentResult> {
  const { base, oversights, methods, seeds } = ctx;
  const aggs = aggregate(runs);
  const headline = headlineOversight(oversights);
  const summary: Record<string, unknown> = { oversight: headline, algo: base.algo, updates: base.updates, seeds, runsDone: runs.length, runsPlanned: ctx.planned };
  for (const a of aggs.filter((x) => x.oversight === headline)) {
    const key = a.method === 'naive (early-stopped)' ? 'naiveEarlyStopped' : a.method === 'no-route' ? 'noRoute' : a.method;
    summary[key] = { diamondRate: a.diamondRate, ghostRate: a.ghostRate, diamondRateGhostNearer: a.diamondRateGhostNearer, trueReturn: a.trueReturn, trueReturnStd: a.trueReturnStd, seeds: a.seeds };
  }
  const matches = matchesRouting(aggs);
  summary.baselinesMatchingRouting = matches;
  const secondsPerUpdate = mean(runs.filter((r) => r.secondsPerUpdate > 0).map((r) => r.secondsPerUpdate));
  summary.secondsPerUpdate = secondsPerUpdate;
  const cpuSecondsPerUpdate = mean(runs.filter((r) => r.cpuSecondsPerUpdate > 0).map((r) => r.cpuSecondsPerUpdate));
  summary.cpuSecondsPerUpdate = cpuSecondsPerUpdate;

  const resultsPath = writeResults(outDir, {
    summary,
    timings: { trainSeconds: runs.reduce((s, r) => s + r.seconds, 0), secondsPerUpdate, cpuSecondsPerUpdate },
    config: { ...base, oversights, methods, seeds, quick: ctx.quick },
    sweep: aggs,
    runs: runs.map((r) => ({ ...r })),
  });

  const rows: Cell[][] = aggs
    .slice()
    .sort((a, b) => a.oversight - b.oversight || a.method.localeCompare(b.method))
    .map((a) => [pct(a.oversight), a.method, a.seeds, a.diamondRate, a.ghostRate, a.diamondRateGhostNearer, a.trueReturn, a.trueReturnStd, a.trueReturnMin, a.trueReturnMax, a.trainingDiamondRate, a.trainingGhostRate, a.gateDiamondNearer, a.gateGhostNearer].map((c) => (typeof c === 'number' && Number.isNaN(c) ? null : c)));
  const headRuns = runs.filter((r) => r.oversight === headline);
  const sections: ReportSection[] = [
    {
      title: 'Deployed policy vs oversight',
      blocks: [
        text(
          'Each method trains with the given share of terminal cells overseen; routing and no-route deploy the diamond expert alone, the others their one policy. ' +
            'Diamond and ghost rates are over fresh evaluation episodes with sampled actions; true return = diamond rate - ghost rate. Spread is over seeds (std, min, max).',
        ),
        plot(returnVsOversightSpec(runs), 'true return at deployment (seed mean, error bars: +-1 std over seeds)'),
        table(['oversight', 'method', 'seeds', 'diamond rate', 'ghost rate', 'diamond rate, ghost nearer', 'true return', 'std', 'min', 'max', 'training policy: diamond', 'training policy: ghost', 'gate, diamond nearer', 'gate, ghost nearer'], rows),
        text(
          '"Diamond rate, ghost nearer" counts only episodes whose ghost starts strictly nearer than the diamond (about 45%): the proxy reward (+1 for either terminal, discounted) teaches going to the nearer terminal, so this is where a policy must have learned "diamond" rather than "nearest". ' +
            'The training-policy columns evaluate the policy that acted during training (for routing and no-route: the gate\'s mixture of both experts); a deployed diamond rate above the training policy\'s is the localization routing is meant to produce. ' +
            'The gate columns are the mean weight the gate puts on the diamond expert at the first step, by which terminal starts nearer (blank for single-policy methods).',
        ),
        text(matches.length ? `Where a baseline matches or beats routing:\n\n${matches.join('\n')}` : 'No baseline matches routing at any oversight rate run (within the seed spread).'),
      ],
    },
    {
      title: `Learning curves at ${pct(headline)} oversight`,
      blocks: [
        plot(lineChart({ series: curveSeries(headRuns, 'trueReturn'), xTitle: 'update', yTitle: 'true return of the deployed policy' })),
        plot(lineChart({ series: curveSeries(headRuns, 'proxyReturn'), xTitle: 'update', yTitle: 'training reward per episode (the proxy each method sees)' })),
        text(
          'Naive early stopping: the naive policy is snapshotted at its best proxy (its own training reward per episode) and training stops improving the snapshot after ' +
            `${base.earlyStopPatience} evaluations without a better proxy; the snapshot is evaluated as "naive (early-stopped)".`,
        ),
      ],
    },
    {
      title: 'Configuration',
      blocks: [
        keyValues({
          algo: base.algo,
          updates: base.updates,
          environments: base.envs,
          'rollout steps per update': base.rolloutSteps,
          hidden: base.hidden,
          'learning rate': base.lr,
          discount: base.gamma,
          'entropy coefficient': base.coefs.entropy,
          'value coefficient': base.coefs.value,
          'gate coefficient': base.coefs.gate,
          'gate sees the oversight plane': base.gateSeesOversight ?? true,
          seeds,
          'seconds per update (mean, wall)': secondsPerUpdate,
          'CPU seconds per update (mean)': cpuSecondsPerUpdate,
        }),
        table(['method', 'what it is'], methods.map((m) => [m, METHOD_SPECS[m].description])),
      ],
    },
  ];
  const reportPath = await writeReport(outDir, {
    title: 'Gradient routing: scalable oversight of a reinforcement learner',
    intro:
      'A 5x5 gridworld with a diamond (good) and a ghost (bad) terminal. Training reward is +1 for either terminal; only a small share of terminal cells is overseen (and the agent sees which). ' +
      'Gradient routing sends overseen diamond episodes to a diamond expert and overseen ghost episodes to a ghost expert; at deployment only the diamond expert acts.' +
      (runs.length < ctx.planned ? ` PARTIAL: ${runs.length} of ${ctx.planned} planned runs finished so far.` : ''),
    sections,
  });
  return { resultsPath, reportPath, summary };
}

/**
 * Combines the runs of several finished (or partial) sweeps, e.g. run in parallel on different
 * oversight rates, into one results.json and report.html in `outDir`.
 */
export async function mergeRlResults(outDir: string, sourceDirs: string[]): Promise<RlExperimentResult> {
  if (sourceDirs.length === 0) throw new Error('--merge: name at least one run directory');
  const runs: RunOutcome[] = [];
  let ctx: OutputContext | null = null;
  for (const dir of sourceDirs) {
    const path = join(dir, 'results.json');
    let parsed: { runs?: RunOutcome[]; config?: Record<string, unknown> & { oversights?: number[]; methods?: MethodName[]; seeds?: number; quick?: boolean } };
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`--merge: cannot read ${path}: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed.runs) || !parsed.config) throw new Error(`--merge: ${path} is not a route rl results.json (no runs or config)`);
    const c = parsed.config;
    const { oversights = [], methods = [], seeds = 0, quick = false, ...base } = c;
    if (!ctx) ctx = { base: base as unknown as OutputContext['base'], oversights: [], methods: [], seeds: 0, quick, planned: 0 };
    ctx.oversights.push(...oversights.filter((p) => !ctx!.oversights.includes(p)));
    ctx.methods.push(...methods.filter((m) => !ctx!.methods.includes(m)));
    ctx.planned += oversights.length * methods.length * seeds;
    runs.push(...parsed.runs);
  }
  createRun(outDir);
  ctx!.oversights.sort((a, b) => a - b);
  // Sweeps split by seed (one process per seed range) each hold fewer seeds than the whole.
  ctx!.seeds = new Set(runs.map((r) => r.seed)).size;
  return writeOutputs(outDir, runs, ctx!);
}
