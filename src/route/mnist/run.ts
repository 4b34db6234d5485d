// `glassbox route mnist`: runs the chosen variants of the partitioned-autoencoder experiment
// (routed, parameter-routed, the routing-percentage sweep, the no-route control), then writes
// results.json and report.html.
import { join } from 'node:path';
import { backendInfo, initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { createRun, progressBar, writeResults, type ProgressBar } from '../../report/index.js';
import { loadExperimentData, type ExperimentData } from './data.js';
import { FULL_CONFIG, QUICK_CONFIG, QUICK_CPU_CONFIG, TINY_CONFIG } from './configs.js';
import { runVariant, type RouteMnistConfig, type RoutingMode, type VariantResult, type VariantSpec } from './experiment.js';
import { writeRouteMnistReport } from './report.js';

export interface RouteMnistOptions {
  outDir: string;
  seed: number;
  quick?: boolean;
  /** Test only: the tiny configuration. */
  tiny?: boolean;
  /** "digits", "fashion" or "idx:PATH". */
  dataset: string;
  /** Percent of training examples routed in the main run (default 100). */
  routingPct?: number;
  /** Run only the no-route control. */
  noRoute?: boolean;
  /** Route by parameter masks instead of activation masks (an activation-routed run is added for comparison). */
  paramRouting?: boolean;
  /** Also run the main form at 100, 50, 10 and 1 percent. */
  sweep?: boolean;
  /** Run the no-route control alongside (default true). */
  control?: boolean;
  /** Overrides of the configuration (coefficients, widths, steps). */
  config?: Partial<RouteMnistConfig>;
  /** Print progress bars (default true). */
  progress?: boolean;
}

export const SWEEP_PERCENTS = [100, 50, 10, 1];

export interface RouteMnistResult {
  resultsPath: string;
  reportPath: string;
  summary: Record<string, unknown>;
  interrupted: boolean;
}

function variantName(mode: RoutingMode, pct: number): string {
  if (mode === 'none') return 'control';
  return `${mode === 'param' ? 'param-routed' : 'routed'}-${pct}%`;
}

/** The variants the options ask for; the first is the main run. */
export function planVariants(o: Pick<RouteMnistOptions, 'routingPct' | 'noRoute' | 'paramRouting' | 'sweep' | 'control'>): VariantSpec[] {
  const pct = o.routingPct ?? 100;
  if (!(pct >= 0 && pct <= 100)) throw new Error(`--routing-pct must be in [0, 100], got ${pct}`);
  const control: VariantSpec = { name: 'control', mode: 'none', routingPct: 0 };
  if (o.noRoute) return [control];
  const mode: RoutingMode = o.paramRouting ? 'param' : 'activation';
  const out: VariantSpec[] = [{ name: variantName(mode, pct), mode, routingPct: pct }];
  const add = (m: RoutingMode, p: number) => {
    if (!out.some((v) => v.mode === m && v.routingPct === p)) out.push({ name: variantName(m, p), mode: m, routingPct: p });
  };
  if (o.paramRouting) add('activation', pct);
  // The control right after the main comparison, so that a long sweep has it early.
  if (o.control ?? true) out.push(control);
  if (o.sweep) for (const p of SWEEP_PERCENTS) add(mode, p);
  return out;
}

export async function runRouteMnist(o: RouteMnistOptions): Promise<RouteMnistResult> {
  const run = createRun(o.outDir, { seed: o.seed });
  const backend = await initBackend();
  const quickConfig = backend.name === 'native' ? QUICK_CONFIG : QUICK_CPU_CONFIG;
  const base = o.tiny ? TINY_CONFIG : o.quick ? quickConfig : FULL_CONFIG;
  const cfg: RouteMnistConfig = { ...base, ...o.config };
  for (const [k, v] of Object.entries(cfg)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`route mnist: option ${k} must be a finite number, got ${v}`);
  }
  const variants = planVariants(o);
  const root = new Rng(o.seed);
  const data = loadExperimentData(o.dataset, root.fork('data'));
  if (data.train.numClasses < 2) throw new Error(`route mnist: dataset ${o.dataset} needs at least 2 classes`);
  // Two validation images of each class for the image grid.
  const sampleIndices: number[] = [];
  for (let k = 0; k < data.validation.numClasses; k++) {
    let found = 0;
    for (let i = 0; i < data.validation.count && found < 2; i++) if (data.validation.labels[i] === k) (sampleIndices.push(i), found++);
  }

  const results: VariantResult[] = [];
  let interrupted = false;
  for (const variant of variants) {
    let bar: ProgressBar | null = null;
    let phase = '';
    const r = await runVariant({
      train: data.train,
      validation: data.validation,
      cfg,
      variant,
      // Every variant starts from the same initial weights and batches: only the routing differs.
      rng: root.fork('variant'),
      checkpointDir: join(run.outDir, 'checkpoints', variant.name.replace('%', 'pct')),
      sampleIndices,
      onProgress: (p, done, total, loss) => {
        if (o.progress === false) return;
        if (p !== phase) {
          bar?.stop();
          bar = progressBar(total, p);
          phase = p;
        }
        bar!.update(done, { loss });
      },
    });
    (bar as ProgressBar | null)?.stop();
    if (r.interrupted) {
      interrupted = true;
      break;
    }
    results.push(r);
    // Results so far, so a long sweep can be read (and survives an interrupt) before it ends.
    if (results.length < variants.length) await writeOutputs(run.outDir, o, cfg, data, results, { planned: variants.length, interrupted: false });
  }

  const { resultsPath, reportPath, summary } = await writeOutputs(run.outDir, o, cfg, data, results, { planned: variants.length, interrupted });
  return { resultsPath, reportPath, summary, interrupted };
}

/** Writes results.json and report.html for the variants finished so far. */
async function writeOutputs(
  outDir: string,
  o: RouteMnistOptions,
  cfg: RouteMnistConfig,
  data: ExperimentData,
  results: VariantResult[],
  state: { planned: number; interrupted: boolean },
): Promise<{ resultsPath: string; reportPath: string; summary: Record<string, unknown> }> {
  const main = results[0];
  const control = results.find((r) => r.mode === 'none');
  const summary: Record<string, unknown> = { dataset: o.dataset };
  if (main && main.mode !== 'none') summary.ownVsOtherErrorRatio = main.ownVsOtherErrorRatio;
  if (control) summary.controlOwnVsOtherErrorRatio = control.ownVsOtherErrorRatio;
  if (main && main.mode !== 'none') summary.ownVsOtherMseRatio = main.ownVsOtherMseRatio;
  if (control) summary.controlOwnVsOtherMseRatio = control.ownVsOtherMseRatio;
  if (main && main.mode !== 'none') summary.blindRatio = Math.min(main.blindRatioFirst, main.blindRatioSecond);
  const param = results.find((r) => r.mode === 'param');
  if (param) summary.paramRoutingOwnVsOtherErrorRatio = param.ownVsOtherErrorRatio;
  const activation = results.find((r) => r.mode === 'activation' && r.routingPct === (o.routingPct ?? 100));
  if (param && activation) summary.activationRoutingOwnVsOtherErrorRatio = activation.ownVsOtherErrorRatio;
  summary.sweep = results.map((r) => ({
    variant: r.name,
    mode: r.mode,
    routingPct: r.routingPct,
    ownVsOtherErrorRatio: r.ownVsOtherErrorRatio,
    ownVsOtherMseRatio: r.ownVsOtherMseRatio,
    blindRatio: Math.min(r.blindRatioFirst, r.blindRatioSecond),
    mainMae: r.mainMae,
  }));
  summary.mode = o.tiny ? 'tiny' : o.quick ? 'quick' : 'full';
  summary.variantsDone = results.length;
  summary.variantsPlanned = state.planned;
  summary.interrupted = state.interrupted;
  const details = {
    config: cfg,
    backend: backendInfo()?.name ?? null,
    classNames: data.classNames,
    trainCount: data.train.count,
    validationCount: data.validation.count,
    variants: results.map(({ samples: _samples, ...rest }) => rest),
  };
  const timings = Object.fromEntries(results.map((r) => [`${r.name}Seconds`, r.seconds]));
  const resultsPath = writeResults(outDir, { summary, timings, details });
  const reportPath = await writeRouteMnistReport(outDir, { dataset: o.dataset, quick: o.quick ?? false, cfg, classNames: data.classNames, results, summary, backend: backendInfo()?.name ?? 'unknown' });
  return { resultsPath, reportPath, summary };
}
