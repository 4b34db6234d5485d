// The gradient-routing step of `glassbox tour`: a small partitioned autoencoder on the digits,
// routed (classes 0-4 through the first code half, 5-9 through the second) and a no-route
// control, compared by their certificate decoders.
import type { TourContext, TourStep, TourStepResult } from '../tour/tour.js';
import { text, keyValues, type ReportSection } from '../report/index.js';
import { loadExperimentData } from './mnist/data.js';
import { backendInfo } from '../engine/backend.js';
import { QUICK_CONFIG, QUICK_CPU_CONFIG, TINY_CONFIG } from './mnist/configs.js';
import { runVariant, type RouteMnistConfig, type VariantResult } from './mnist/experiment.js';
import { imagesSection, perClassSection } from './mnist/report.js';

/** Sized for the backend: the pure-JS one is about 50 times slower than the native one. */
function tourConfig(ctx: Pick<TourContext, 'quick' | 'smoke'>): RouteMnistConfig {
  if (ctx.smoke) return { ...TINY_CONFIG, steps: 4, certSteps: 2, evalExamples: 200, curveEvery: 2 };
  if (backendInfo()?.name !== 'native') return ctx.quick ? { ...QUICK_CPU_CONFIG, steps: 300, certSteps: 200 } : QUICK_CPU_CONFIG;
  return ctx.quick ? TINY_CONFIG : QUICK_CONFIG;
}

export const gradientRoutingStep: TourStep = {
  name: 'gradientRouting',
  title: 'Gradient routing: a partitioned autoencoder',
  description:
    'an autoencoder on the digits whose code halves are routed by class (0-4 first half, 5-9 second), checked by certificate decoders on each half against a no-route control.',
  async run(ctx: TourContext): Promise<TourStepResult> {
    const cfg = tourConfig(ctx);
    const data = loadExperimentData('digits', ctx.rng.fork('data'));
    const sampleIndices: number[] = [];
    for (let k = 0; k < 10; k++) {
      const i = Array.from(data.validation.labels).indexOf(k);
      if (i >= 0) sampleIndices.push(i);
    }
    const results: VariantResult[] = [];
    for (const variant of [
      { name: 'routed', mode: 'activation' as const, routingPct: 100 },
      { name: 'control', mode: 'none' as const, routingPct: 0 },
    ]) {
      results.push(await runVariant({ train: data.train, validation: data.validation, cfg, variant, rng: ctx.rng.fork('variant'), sampleIndices }));
    }
    const [routed, control] = results;
    const sections: ReportSection[] = [
      {
        title: 'Gradient routing: summary',
        blocks: [
          text(
            `Encoder 784-${cfg.hidden.join('-')}-${cfg.codeSize}, ${cfg.steps} steps (a small version of \`glassbox route mnist\`). ` +
              'The ratio is, for the weaker of the two certificate decoders, its error on the other group\'s digits over its error on its own; 1 means the halves are not split.',
          ),
          keyValues({ ownVsOtherErrorRatio: routed.ownVsOtherErrorRatio, controlOwnVsOtherErrorRatio: control.ownVsOtherErrorRatio }),
        ],
      },
      perClassSection(routed, data.classNames),
      ...[imagesSection(routed, 28)].filter((s): s is ReportSection => s !== null),
    ];
    return {
      sections,
      summary: { ownVsOtherErrorRatio: routed.ownVsOtherErrorRatio, controlOwnVsOtherErrorRatio: control.ownVsOtherErrorRatio },
      details: { config: cfg, perClass: { routed: routed.perClass, control: control.perClass } },
    };
  },
};
