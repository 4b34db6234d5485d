// `glassbox tour`: a short guided run through glassbox's experiments on embedded defaults.
// The tour is a list of steps; each does real work and returns report sections plus its
// summary numbers. Later experiments join the tour by adding a step to TOUR_STEPS.
import { initBackend } from '../engine/backend.js';
import { Rng } from '../engine/rng.js';
import { createRun, writeReport, writeResults, type ReportSection } from '../report/index.js';
import { digitClassifierStep } from './digit-classifier.js';
import { oversightTourStep } from '../route/rl/tour-step.js';
import { gradientRoutingStep } from '../route/tour-step.js';

export interface TourContext {
  seed: number;
  /** The step's own generator (forked from the seed by step name). */
  rng: Rng;
  /** Shorter runs (fewer steps), for a quick look. */
  quick: boolean;
  /** Test-only: the fewest iterations that still exercise every code path. */
  smoke: boolean;
}

export interface TourStepResult {
  sections: ReportSection[];
  /** Headline numbers, stored under the step's name in results.json's summary. */
  summary: Record<string, unknown>;
  /** Further data for results.json (configuration, curves, tables), under the step's name. */
  details?: Record<string, unknown>;
}

export interface TourStep {
  /** Key in results.json (camelCase). */
  name: string;
  /** Heading in the report. */
  title: string;
  /** One sentence for the report's introduction. */
  description: string;
  run(ctx: TourContext): Promise<TourStepResult>;
}

export const TOUR_STEPS: TourStep[] = [digitClassifierStep, gradientRoutingStep, oversightTourStep];

export interface TourOptions {
  outDir: string;
  seed: number;
  quick?: boolean;
  smoke?: boolean;
  steps?: TourStep[];
}

export interface TourResult {
  resultsPath: string;
  reportPath: string;
  summary: Record<string, unknown>;
}

/** Runs every tour step, then writes results.json and report.html to `outDir`. */
export async function runTour(options: TourOptions): Promise<TourResult> {
  const run = createRun(options.outDir, { seed: options.seed });
  await initBackend();
  const steps = options.steps ?? TOUR_STEPS;
  const root = new Rng(options.seed);
  const summary: Record<string, unknown> = {};
  const details: Record<string, unknown> = {};
  const timings: Record<string, number> = {};
  const sections: ReportSection[] = [];
  for (const step of steps) {
    const t0 = performance.now();
    const result = await step.run({ seed: options.seed, rng: root.fork(step.name), quick: options.quick ?? false, smoke: options.smoke ?? false });
    timings[`${step.name}Seconds`] = (performance.now() - t0) / 1000;
    summary[step.name] = result.summary;
    if (result.details) details[step.name] = result.details;
    sections.push(...result.sections);
  }
  summary.seconds = run.elapsedSeconds();
  const resultsPath = writeResults(run.outDir, { summary, timings, options: { quick: options.quick ?? false, smoke: options.smoke ?? false }, details });
  const reportPath = await writeReport(run.outDir, {
    title: 'glassbox tour',
    intro: [
      'A short run through glassbox on its embedded defaults. Each section below is one step of the tour:',
      ...steps.map((s) => `${s.title}: ${s.description}`),
    ].join('\n\n'),
    sections,
  });
  return { resultsPath, reportPath, summary };
}
