// The partitioned-autoencoder experiment's report: headline ratios, per-class error of each
// decoder (table and grouped bars), originals vs reconstructions from each code half, the
// routing-percentage sweep with the control, and loss curves.
import {
  barChart,
  encodePng,
  image,
  imageGrid,
  keyValues,
  lineChart,
  plot,
  table,
  text,
  writeReport,
  type ReportSection,
} from '../../report/index.js';
import type { RouteMnistConfig, VariantResult } from './experiment.js';

export interface RouteMnistReportInput {
  dataset: string;
  quick: boolean;
  cfg: RouteMnistConfig;
  classNames: string[];
  results: VariantResult[];
  summary: Record<string, unknown>;
  backend: string;
}

const round = (x: number, digits = 4) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** Mean of each window of `every` values, at the window's last step. */
function smooth(values: number[], every: number): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let s = 0; s < values.length; s += every) {
    const w = values.slice(s, s + every);
    x.push(s + w.length);
    y.push(w.reduce((a, b) => a + b, 0) / w.length);
  }
  return { x, y };
}

export function perClassSection(r: VariantResult, classNames: string[]): ReportSection {
  const half = Math.floor(classNames.length / 2);
  const rows = classNames.map((c, k) => [
    c,
    k < half ? 'first' : 'second',
    round(r.perClass.main[k]),
    round(r.perClass.certFirst[k]),
    round(r.perClass.certSecond[k]),
    round(r.codeMagnitude.firstHalf[k]),
    round(r.codeMagnitude.secondHalf[k]),
  ]);
  return {
    title: `Per-class validation error: ${r.name}`,
    blocks: [
      text(
        `Mean absolute reconstruction error per class. The certificate on the first half has ratio ${round(r.ratioFirst, 2)} ` +
          `(error on the second group's classes / on its own), the one on the second half ${round(r.ratioSecond, 2)}.`,
      ),
      table(['class', 'routed to half', 'main decoder', 'certificate (first half)', 'certificate (second half)', 'mean |code|, first half', 'mean |code|, second half'], rows),
      plot(
        barChart({
          title: `${r.name}: per-class error of each decoder`,
          categories: classNames,
          groups: [
            { name: 'main decoder', values: r.perClass.main },
            { name: 'certificate: first half', values: r.perClass.certFirst },
            { name: 'certificate: second half', values: r.perClass.certSecond },
          ],
          xTitle: 'class',
          yTitle: 'mean absolute error',
        }),
      ),
    ],
  };
}

export function imagesSection(r: VariantResult, side: number): ReportSection | null {
  if (r.samples.length === 0) return null;
  const rows = [0, 1, 2, 3].map((j) => r.samples.map((s) => s[j]));
  const png = encodePng(imageGrid({ rows, width: side, height: side, scale: 2 }));
  return {
    title: `Reconstructions: ${r.name}`,
    blocks: [
      image(png, `originals and reconstructions, ${r.name}`, 'Rows: validation originals (two per class), the main decoder, the certificate on the first half, the certificate on the second half.'),
    ],
  };
}

export async function writeRouteMnistReport(outDir: string, input: RouteMnistReportInput): Promise<string> {
  const { results, cfg, classNames, summary } = input;
  const sections: ReportSection[] = [];
  const certNote =
    cfg.certSchedule === 'joint'
      ? 'certificates trained alongside the autoencoder, one step per autoencoder step, on its current detached code'
      : `certificates ${cfg.codeSize / 2}-${[...cfg.certHidden].reverse().join('-')}-784 trained for ${cfg.certSteps} steps of batch ${cfg.certBatchSize} on the finished autoencoder's detached code`;
  const configNote =
    `${input.quick ? `Quick mode (sized for the ${input.backend} backend). ` : ''}Encoder 784-${cfg.hidden.join('-')}-${cfg.codeSize}, mirrored decoder, ` +
    `${cfg.steps} autoencoder steps of batch ${cfg.batchSize} (Adam, learning rate ${cfg.lr}, weight decay ${cfg.weightDecay}); ${certNote}; ` +
    `evaluated on up to ${cfg.evalExamples} validation images. ` +
    (cfg.pixelRange === 'symmetric' ? 'Pixels are mapped to [-1, 1] (as the reference normalizes MNIST), so errors are on that scale (twice the [0, 1] error). ' : 'Pixels are in [0, 1]. ') +
    'The reconstruction loss is the mean absolute error over the first group\'s images plus that over the second group\'s; the L1 penalty on each half is its coefficient times the sum over the half\'s dimensions of the batch-mean absolute value.';
  sections.push({
    title: 'Summary',
    blocks: [
      text(
        'An autoencoder whose 32-d code is split in two halves is trained with gradient routing: images of the first half of the classes send gradient only through the first code half, the rest only through the second. ' +
          'A certificate decoder is trained on each detached half. A certificate that reconstructs its own classes much better than the others shows that the half holds (mostly) those classes. ' +
          'ownVsOtherErrorRatio is the smaller, over the two certificates, of mean error on the other group\'s classes divided by mean error on its own; the control is trained without routing.',
      ),
      text(configNote),
      keyValues({
        dataset: input.dataset,
        backend: input.backend,
        ownVsOtherErrorRatio: round(summary.ownVsOtherErrorRatio as number, 3),
        controlOwnVsOtherErrorRatio: round(summary.controlOwnVsOtherErrorRatio as number, 3),
        'ratios from mean squared error (routed, control)': `${round(summary.ownVsOtherMseRatio as number, 3)}, ${round(summary.controlOwnVsOtherMseRatio as number, 3)}`,
        ...(summary.paramRoutingOwnVsOtherErrorRatio !== undefined ? { paramRoutingOwnVsOtherErrorRatio: round(summary.paramRoutingOwnVsOtherErrorRatio as number, 3) } : {}),
        'L1 coefficients (first, second)': `${cfg.l1First}, ${cfg.l1Second}`,
        'correlation coefficient': cfg.corrCoef,
        'learning rate': cfg.lr,
      }),
    ],
  });
  sections.push({
    title: 'Variants: routing percentage sweep and control',
    blocks: [
      text(
        'Blind ratio: the ratio a certificate would have if its half told it nothing about the other group\'s images (it would predict them all with one image, at best their per-pixel median) and its own-class error stayed as measured. ' +
          'The MAE ratio cannot exceed it by much: reaching 2 needs own-class error below half the median image\'s error, whatever the routing.',
      ),
      table(
        ['variant', 'routing', 'routed %', 'ratio (first cert.)', 'ratio (second cert.)', 'ownVsOtherErrorRatio', 'same ratio from MSE', 'blind ratio (first, second)', 'main decoder MAE', 'seconds'],
        results.map((r) => [
          r.name,
          r.mode,
          r.routingPct,
          round(r.ratioFirst, 3),
          round(r.ratioSecond, 3),
          round(r.ownVsOtherErrorRatio, 3),
          round(r.ownVsOtherMseRatio, 3),
          `${round(r.blindRatioFirst, 2)}, ${round(r.blindRatioSecond, 2)}`,
          round(r.mainMae),
          round(r.seconds, 1),
        ]),
      ),
      plot(
        barChart({
          title: 'own-vs-other error ratio by variant (1 = no split)',
          categories: results.map((r) => r.name),
          groups: [{ name: 'ownVsOtherErrorRatio', values: results.map((r) => r.ownVsOtherErrorRatio) }],
          xTitle: 'variant',
          yTitle: 'ratio',
        }),
      ),
    ],
  });
  const side = Math.round(Math.sqrt(results[0]?.samples[0]?.[0]?.length ?? 784));
  for (const r of results) {
    sections.push(perClassSection(r, classNames));
    const img = imagesSection(r, side);
    if (img) sections.push(img);
  }
  const every = Math.max(1, Math.floor(cfg.steps / 100));
  sections.push({
    title: 'Loss curves',
    blocks: [
      plot(
        lineChart({
          title: `autoencoder training loss (mean of every ${every} steps)`,
          series: results.map((r) => ({ name: r.name, ...smooth(r.lossHistory, every) })),
          xTitle: 'step',
          yTitle: 'loss (MAE + penalties)',
        }),
      ),
      plot(
        lineChart({
          title: 'validation reconstruction error (main decoder)',
          series: results.map((r) => ({ name: r.name, x: r.validationCurve.map((p) => p.step), y: r.validationCurve.map((p) => p.mae) })),
          xTitle: 'step',
          yTitle: 'MAE',
        }),
      ),
      plot(
        lineChart({
          title: 'certificate training loss (mean of the two)',
          series: results.map((r) => ({ name: r.name, ...smooth(r.certLossHistory, Math.max(1, Math.floor(r.certLossHistory.length / 100))) })),
          xTitle: 'step',
          yTitle: 'MAE',
        }),
      ),
    ],
  });
  return writeReport(outDir, { title: `Gradient routing: partitioned autoencoder (${input.dataset})`, sections });
}
