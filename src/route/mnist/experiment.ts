// The partitioned-autoencoder experiment: train an autoencoder whose code halves are routed by
// class (classes in the first half of the label range send gradient only through the first
// code half, the others only through the second), then train one "certificate" decoder on each
// detached code half and measure per-class reconstruction error. A control run trains the same
// model without routing.
import { join } from 'node:path';
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { Adam, Module, accumulateGrads, lossAndGrads, disposeGrads, type MLP, type NamedGrads } from '../../nn/index.js';
import { BatchSampler, gatherBatch, subset, type ImageDataset } from '../../nn/data/dataset.js';
import { compileRouting } from '../compile.js';
import { paramRoutedGrads } from '../param-routing.js';
import { combineHooks, type Hooks } from '../hooks.js';
import { stopGradient } from '../primitives.js';
import type { RoutingSpec } from '../spec.js';
import { PartitionedAutoencoder, certificateDecoder } from './autoencoder.js';
import { runLoop } from './loop.js';

export type RoutingMode = 'activation' | 'param' | 'none';

export interface RouteMnistConfig {
  /** Encoder hidden widths (the decoder mirrors them). */
  hidden: number[];
  codeSize: number;
  /** Scale of the code heads' initial weights (see AutoencoderShape.headInitScale; 1 = PyTorch's default, as the reference). */
  headInitScale: number;
  batchSize: number;
  steps: number;
  lr: number;
  /** Pixel scale the networks see and errors are measured on. */
  pixelRange: PixelRange;
  /** Adam's (L2-style) weight decay for the autoencoder. */
  weightDecay: number;
  /** L1 penalty coefficients on each code half: coefficient x the sum over the half's dimensions of the batch-mean absolute value. */
  l1First: number;
  l1Second: number;
  /** Coefficient of the cross-half correlation penalty (mean absolute Pearson correlation between the halves' dimensions). */
  corrCoef: number;
  /** Certificate decoders' hidden widths (mirrored: half -> ... -> image). */
  certHidden: number[];
  /**
   * 'joint': the certificates train alongside the autoencoder, one step each per autoencoder step, on
   * the current detached code (as the reference does); 'after': they train for `certSteps` steps on
   * the finished autoencoder's code.
   */
  certSchedule: 'joint' | 'after';
  /** Certificate steps when certSchedule is 'after'. */
  certSteps: number;
  certLr: number;
  certBatchSize: number;
  /** Validation images evaluated (all when larger than the set). */
  evalExamples: number;
  /** Validation error is measured on `curveExamples` images every this many steps, for the curves. */
  curveEvery: number;
  curveExamples: number;
  checkpointEvery: number;
}

export interface VariantSpec {
  /** e.g. "routed-100", "control". */
  name: string;
  mode: RoutingMode;
  /** Percent of training examples that are routed (the rest train unrouted). */
  routingPct: number;
}

export interface VariantResult {
  name: string;
  mode: RoutingMode;
  routingPct: number;
  /** Mean validation MAE per class (on the network's pixel scale, cfg.pixelRange), for the main decoder and each certificate. */
  perClass: { main: number[]; certFirst: number[]; certSecond: number[] };
  /** The same with mean squared error (the reference code's evaluation metric). */
  perClassMse: { main: number[]; certFirst: number[]; certSecond: number[] };
  /** Mean absolute code value per class in each half (validation): routing + L1 should empty each half on the other group's classes. */
  codeMagnitude: { firstHalf: number[]; secondHalf: number[] };
  /** Certificate on the first half: mean error on the second group's classes / on its own (first) classes; likewise for the second. */
  ratioFirst: number;
  ratioSecond: number;
  /** min(ratioFirst, ratioSecond). */
  ownVsOtherErrorRatio: number;
  /** The same ratio computed from mean squared errors. */
  ownVsOtherMseRatio: number;
  /**
   * Per certificate, the ratio it would have if its half told it nothing about the other group's
   * images (it would then predict one fixed image for them, at best the per-pixel median of that
   * group) while its own-class error stayed as measured: the median image's mean per-class error
   * on the other group's validation images over the certificate's own-class error. The MAE ratio
   * cannot go much above this without better own-class reconstruction.
   */
  blindRatioFirst: number;
  blindRatioSecond: number;
  mainMae: number;
  lossHistory: number[];
  certLossHistory: number[];
  validationCurve: { step: number; mae: number }[];
  /** Example reconstructions for the image grid: per shown image, [original, main, certFirst, certSecond]. */
  samples: Float32Array[][];
  seconds: number;
}

/** The routing spec of a run: classes [0, k/2) -> first code half, [k/2, k) -> second half. */
export function partitionRoutingSpec(mode: RoutingMode, numClasses: number, codeSize: number): RoutingSpec {
  if (mode === 'none') return { version: 1, rules: [] };
  const half = codeSize / 2;
  const split = Math.floor(numClasses / 2);
  const first = Array.from({ length: split }, (_, i) => i);
  const second = Array.from({ length: numClasses - split }, (_, i) => split + i);
  if (mode === 'activation') {
    return {
      version: 1,
      rules: [
        { name: 'first classes -> first code half', match: { labels: first }, hooks: [{ hook: 'encoder.hook_code', dims: [{ start: 0, end: half }] }] },
        { name: 'second classes -> second code half', match: { labels: second }, hooks: [{ hook: 'encoder.hook_code', dims: [{ start: half, end: codeSize }] }] },
      ],
    };
  }
  return {
    version: 1,
    rules: [
      { name: 'first classes -> first head', match: { labels: first }, params: { groups: ['encoder.trunk.**', 'encoder.head_first.*', 'decoder.**'] } },
      { name: 'second classes -> second head', match: { labels: second }, params: { groups: ['encoder.trunk.**', 'encoder.head_second.*', 'decoder.**'] } },
    ],
  };
}

/** Mean absolute Pearson correlation between every dimension of `a` and every dimension of `b` ([n, d] each). */
export function crossCorrelationPenalty(a: Tensor, b: Tensor): tf.Scalar {
  return tf.tidy(() => {
    const n = a.shape[0];
    const standardize = (t: Tensor) => {
      const { mean, variance } = tf.moments(t, 0);
      return tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-6)));
    };
    const c = tf.div(tf.matMul(standardize(a), standardize(b), true, false), n);
    return tf.mean(tf.abs(c)) as tf.Scalar;
  });
}

/** How the network sees pixels: 'symmetric' maps [0, 1] to [-1, 1] (as the reference normalizes MNIST), 'unit' keeps [0, 1]. */
export type PixelRange = 'symmetric' | 'unit';

/** Pixels in [0, 1] as the network sees them, [n, pixels]. */
export function networkPixels(images: Float32Array, pixels: number, range: PixelRange = 'symmetric'): Tensor {
  return tf.tidy(() => {
    const x = tf.tensor2d(images, [images.length / pixels, pixels]);
    return range === 'symmetric' ? tf.sub(tf.mul(x, 2), 1) : x;
  });
}

/**
 * Per-example weights of the reconstruction loss: 1 / (number of examples of the same class group
 * in the batch), so the loss is the first group's mean error plus the second group's, as in the
 * reference (each routed group's loss is a mean over that group).
 */
export function groupMeanWeights(labels: ArrayLike<number>, numClasses: number): Float32Array {
  const split = Math.floor(numClasses / 2);
  let first = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] < split) first++;
  const second = labels.length - first;
  return Float32Array.from(labels as ArrayLike<number>, (y) => (y < split ? 1 / first : 1 / second));
}

/** Sum over examples of weight x mean absolute error over pixels. */
export function weightedMae(prediction: Tensor, target: Tensor, weights: Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(tf.mean(tf.abs(tf.sub(prediction, target)), 1), weights)) as tf.Scalar);
}

/** The code penalties: L1 on each half (sum over dimensions of the batch-mean |value|) and the cross-half correlation penalty. */
export function codePenalties(code: Tensor, cfg: RouteMnistConfig): tf.Scalar {
  return tf.tidy(() => {
    const half = cfg.codeSize / 2;
    const a = tf.slice(code, [0, 0], [-1, half]);
    const b = tf.slice(code, [0, half], [-1, half]);
    const l1 = (t: Tensor) => tf.sum(tf.mean(tf.abs(t), 0));
    let loss = tf.add(tf.mul(cfg.l1First, l1(a)), tf.mul(cfg.l1Second, l1(b)));
    if (cfg.corrCoef !== 0 && code.shape[0] > 1) loss = tf.add(loss, tf.mul(cfg.corrCoef, crossCorrelationPenalty(a, b)));
    return loss as tf.Scalar;
  });
}

/**
 * The reconstruction part of the autoencoder's loss on x [n, pixels] (network scale): the
 * group-mean MAE of `weights`, through the code as routed by `hooks`. Returns the code as the
 * encoder produced it (before routing) too, for the penalties and the certificates.
 */
export function reconstructionLoss(model: PartitionedAutoencoder, x: Tensor, weights: Tensor, hooks: Hooks): { loss: tf.Scalar; code: Tensor } {
  let unrouted: Tensor | null = null;
  const capture: Hooks = { fwd: { 'encoder.hook_code': (act) => void (unrouted = act) } };
  const { reconstruction } = model.runWithHooks(x, combineHooks(capture, hooks));
  return { loss: weightedMae(reconstruction, x, weights), code: unrouted as unknown as Tensor };
}

/** The certificates' loss: each one's mean MAE reconstructing x from its (detached) code half. */
export function certificateLoss(certs: CertificatePair, code: Tensor, x: Tensor, half: number): tf.Scalar {
  return tf.tidy(() => {
    const detached = stopGradient(code);
    const a = tf.slice(detached, [0, 0], [-1, half]);
    const b = tf.slice(detached, [0, half], [-1, half]);
    return tf.add(tf.mean(tf.abs(tf.sub(certs.first.forward(a), x))), tf.mean(tf.abs(tf.sub(certs.second.forward(b), x)))) as tf.Scalar;
  });
}

/** Which training examples are routed: a seeded `pct` percent of them. */
export function routedExamples(count: number, pct: number, rng: Rng): Uint8Array {
  if (!(pct >= 0 && pct <= 100)) throw new Error(`routing percentage must be in [0, 100], got ${pct}`);
  const flags = new Uint8Array(count);
  const n = Math.round((count * pct) / 100);
  const order = rng.permutation(count);
  for (let i = 0; i < n; i++) flags[order[i]] = 1;
  return flags;
}

/** All of `ds` when it has at most `n` images, else a seeded random `n` of them (in index order). */
function evaluationSubset(ds: ImageDataset, n: number, rng: Rng): ImageDataset {
  if (n >= ds.count) return ds;
  return subset(ds, rng.permutation(ds.count).slice(0, n).sort());
}

/** Per-example mean absolute and mean squared error between two [n, p] tensors, as numbers. */
function perExampleErrors(a: Tensor, b: Tensor): { mae: Float32Array; mse: Float32Array } {
  return tf.tidy(() => {
    const d = tf.sub(a, b);
    return { mae: tf.mean(tf.abs(d), 1).dataSync() as Float32Array, mse: tf.mean(tf.square(d), 1).dataSync() as Float32Array };
  });
}

export class CertificatePair extends Module {
  readonly first: MLP;
  readonly second: MLP;
  constructor(half: number, hidden: number[], pixels: number, rng: Rng) {
    super();
    this.first = this.registerModule('first', certificateDecoder(half, hidden, pixels, rng.fork('first')));
    this.second = this.registerModule('second', certificateDecoder(half, hidden, pixels, rng.fork('second')));
  }
}

/** The autoencoder and (when trained jointly) the certificates, as one module for checkpoints. */
class JointModules extends Module {
  constructor(autoencoder: PartitionedAutoencoder, certificates: CertificatePair | null) {
    super();
    this.registerModule('autoencoder', autoencoder);
    if (certificates) this.registerModule('certificates', certificates);
  }
}

/** Codes of a whole dataset, in batches, without gradients. */
function encodeAll(model: PartitionedAutoencoder, ds: ImageDataset, count: number, range: PixelRange): Float32Array {
  const pixels = ds.height * ds.width;
  const out = new Float32Array(count * model.shape.codeSize);
  const chunk = 512;
  for (let s = 0; s < count; s += chunk) {
    const e = Math.min(count, s + chunk);
    const codes = tf.tidy(() => model.encode(networkPixels(ds.images.subarray(s * pixels, e * pixels), pixels, range)).dataSync());
    out.set(codes, s * model.shape.codeSize);
  }
  return out;
}

function classMeans(values: Float32Array, labels: Int32Array, numClasses: number): number[] {
  const sum = new Array<number>(numClasses).fill(0);
  const n = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < values.length; i++) {
    sum[labels[i]] += values[i];
    n[labels[i]]++;
  }
  return sum.map((s, k) => (n[k] ? s / n[k] : NaN));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Certificate on one half: mean per-class error on the other group's classes over that on its own. */
export function ownVsOtherRatio(perClass: number[], own: number[], other: number[]): number {
  return mean(other.map((k) => perClass[k])) / mean(own.map((k) => perClass[k]));
}

/** Mean per-class MAE (on the network's pixel scale), over `classes`, of predicting every image of those classes with the per-pixel median of their training images (at most 10,000 of them). */
export function medianImageError(train: ImageDataset, evalSet: ImageDataset, classes: number[], range: PixelRange = 'symmetric'): number {
  const pixels = train.height * train.width;
  const wanted = new Set(classes);
  const rows: number[] = [];
  for (let i = 0; i < train.count && rows.length < 10000; i++) if (wanted.has(train.labels[i])) rows.push(i);
  if (rows.length === 0) return NaN;
  const median = new Float32Array(pixels);
  const column = new Float32Array(rows.length);
  for (let p = 0; p < pixels; p++) {
    rows.forEach((r, j) => (column[j] = train.images[r * pixels + p]));
    column.sort();
    const m = rows.length >> 1;
    median[p] = rows.length % 2 ? column[m] : (column[m - 1] + column[m]) / 2;
  }
  const perImage = new Float32Array(evalSet.count);
  for (let i = 0; i < evalSet.count; i++) {
    let s = 0;
    for (let p = 0; p < pixels; p++) s += Math.abs(evalSet.images[i * pixels + p] - median[p]);
    perImage[i] = ((range === 'symmetric' ? 2 : 1) * s) / pixels; // on the network's scale
  }
  const perClass = classMeans(perImage, evalSet.labels, evalSet.numClasses);
  return mean(classes.map((k) => perClass[k]).filter((v) => Number.isFinite(v)));
}

export interface GradsInput {
  model: PartitionedAutoencoder;
  /** Certificates trained in the same step (joint schedule), or null. */
  certs: CertificatePair | null;
  /** Images [n, pixels] on the network's scale. */
  x: Tensor;
  /** Class labels (they set the reconstruction loss's group means). */
  labels: Int32Array;
  /** Labels for routing: -1 marks an example left unrouted. */
  routingLabels: Int32Array;
  numClasses: number;
  mode: RoutingMode;
  cfg: RouteMnistConfig;
}

/**
 * One training step's loss and gradients (autoencoder parameters under their own names, the
 * certificates' under "certificates."). Routing masks only the reconstruction's gradient; the code
 * penalties (batch-level terms on the code as the encoder produced it) and the certificates (on
 * the detached code) take their gradients unmasked, over the whole batch, as in the reference.
 * With parameter routing each example's reconstruction gradient reaches only the parameters its
 * mask allows; the penalties' gradients reach every parameter.
 */
export function autoencoderGrads(o: GradsInput): { loss: number; certLoss: number; grads: NamedGrads } {
  const { model, certs, x, cfg } = o;
  const half = cfg.codeSize / 2;
  const aeParams = model.namedParameters();
  const params = certs ? [...aeParams, ...certs.namedParameters('certificates.')] : aeParams;
  const spec = partitionRoutingSpec(o.mode, o.numClasses, cfg.codeSize);
  const compiled = compileRouting(spec, { batchSize: x.shape[0], labels: o.routingLabels }, { hookNames: model.hookNames(), paramNames: aeParams.map(([n]) => n) });
  const w = tf.tensor1d(groupMeanWeights(o.labels, o.numClasses));
  let certLoss = NaN;
  const withCerts = (code: Tensor, loss: tf.Scalar): tf.Scalar => {
    if (!certs) return loss;
    const c = certificateLoss(certs, code, x, half);
    certLoss = c.dataSync()[0] / 2;
    return tf.add(loss, c) as tf.Scalar;
  };
  let result: { loss: tf.Scalar; grads: NamedGrads };
  if (o.mode === 'param') {
    result = paramRoutedGrads(aeParams, compiled.paramGroups, (ind) => {
      const sel = Array.from(ind);
      return reconstructionLoss(model, tf.gather(x, sel), tf.gather(w, sel), {}).loss;
    });
    const rest = lossAndGrads(params, () => {
      const code = model.encode(x);
      return withCerts(code, codePenalties(code, cfg));
    });
    accumulateGrads(result.grads, rest.grads);
    const total = tf.add(result.loss, rest.loss) as tf.Scalar;
    tf.dispose([result.loss, rest.loss]);
    result.loss = total;
  } else {
    result = lossAndGrads(params, () => {
      const { loss, code } = reconstructionLoss(model, x, w, compiled.hooks);
      return withCerts(code, tf.add(loss, codePenalties(code, cfg)) as tf.Scalar);
    });
  }
  const loss = result.loss.dataSync()[0];
  tf.dispose([result.loss, w]);
  return { loss, certLoss, grads: result.grads };
}

export interface RunVariantOptions {
  train: ImageDataset;
  validation: ImageDataset;
  cfg: RouteMnistConfig;
  variant: VariantSpec;
  rng: Rng;
  /** Checkpoint root for this variant (none when omitted). */
  checkpointDir?: string;
  /** Indices into validation of the images shown in the report's grid. */
  sampleIndices?: number[];
  onProgress?: (phase: string, done: number, total: number, loss: number) => void;
}

/** Trains one variant (autoencoder and certificates) and evaluates it. */
export async function runVariant(o: RunVariantOptions): Promise<VariantResult & { interrupted: boolean }> {
  const t0 = performance.now();
  const { train, validation, cfg, variant } = o;
  const pixels = train.height * train.width;
  const numClasses = train.numClasses;
  const half = cfg.codeSize / 2;
  const model = new PartitionedAutoencoder({ inputSize: pixels, hidden: cfg.hidden, codeSize: cfg.codeSize, headInitScale: cfg.headInitScale }, o.rng.fork('model'));
  const certs = new CertificatePair(half, cfg.certHidden, pixels, o.rng.fork('certificates'));
  const joint = cfg.certSchedule === 'joint';
  const aeParams = model.namedParameters();
  const certParams = certs.namedParameters('certificates.');
  const routed = routedExamples(train.count, variant.mode === 'none' ? 0 : variant.routingPct, o.rng.fork('routed'));
  const sampler = new BatchSampler(train.count, cfg.batchSize, o.rng.fork('batches'));
  // One Adam over the autoencoder (and the jointly trained certificates), as the reference.
  const opt = new Adam(joint ? [...aeParams, ...certParams] : aeParams, { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const curveSet = evaluationSubset(validation, cfg.curveExamples, o.rng.fork('curve images'));
  const curveX = networkPixels(curveSet.images, pixels, cfg.pixelRange);
  const validationCurve: { step: number; mae: number }[] = [];
  const measureCurve = (step: number) => {
    const mae = tf.tidy(() => tf.mean(tf.abs(tf.sub(model.runWithHooks(curveX, {}).reconstruction, curveX))).dataSync()[0]);
    validationCurve.push({ step, mae });
  };
  const certHistory: number[] = [];

  const aeStep = (i: number): number => {
    const idx = sampler.batch(i);
    const batch = gatherBatch(train, idx);
    const routingLabels = Int32Array.from(batch.labels, (y, j) => (routed[idx[j]] ? y : -1));
    return tf.tidy(() => {
      const x = networkPixels(batch.images, pixels, cfg.pixelRange);
      const r = autoencoderGrads({ model, certs: joint ? certs : null, x, labels: batch.labels, routingLabels, numClasses, mode: variant.mode, cfg });
      opt.step(r.grads);
      disposeGrads(r.grads);
      if (joint) certHistory.push(r.certLoss);
      return r.loss;
    });
  };

  const ae = await runLoop({
    module: new JointModules(model, joint ? certs : null),
    optimizer: opt,
    totalSteps: cfg.steps,
    step: (i) => {
      const loss = aeStep(i);
      if ((i + 1) % cfg.curveEvery === 0 || i + 1 === cfg.steps) measureCurve(i + 1);
      return loss;
    },
    dir: o.checkpointDir ? join(o.checkpointDir, 'autoencoder') : undefined,
    every: cfg.checkpointEvery,
    onProgress: (done, loss) => o.onProgress?.(`${variant.name} autoencoder${joint ? ' + certificates' : ''}`, done, cfg.steps, loss),
  });
  curveX.dispose();
  if (ae.interrupted) return { ...emptyResult(variant), interrupted: true };

  let certLossHistory = certHistory;
  if (!joint) {
    // Certificates on the finished autoencoder: one decoder per detached code half, on every training image.
    const trainCodes = encodeAll(model, train, train.count, cfg.pixelRange);
    const certOpt = new Adam(certParams, { lr: cfg.certLr });
    const certSampler = new BatchSampler(train.count, cfg.certBatchSize, o.rng.fork('certificate batches'));
    const certStep = (i: number): number => {
      const idx = certSampler.batch(i);
      const batch = gatherBatch(train, idx);
      return tf.tidy(() => {
        const x = networkPixels(batch.images, pixels, cfg.pixelRange);
        const codeRows = new Float32Array(idx.length * cfg.codeSize);
        idx.forEach((j, r) => codeRows.set(trainCodes.subarray(j * cfg.codeSize, (j + 1) * cfg.codeSize), r * cfg.codeSize));
        const code = tf.tensor2d(codeRows, [idx.length, cfg.codeSize]);
        const { loss, grads } = lossAndGrads(certParams, () => certificateLoss(certs, code, x, half));
        certOpt.step(grads);
        disposeGrads(grads);
        return loss.dataSync()[0] / 2;
      });
    };
    const certRun = await runLoop({
      module: certs,
      optimizer: certOpt,
      totalSteps: cfg.certSteps,
      step: certStep,
      dir: o.checkpointDir ? join(o.checkpointDir, 'certificates') : undefined,
      every: cfg.checkpointEvery,
      onProgress: (done, loss) => o.onProgress?.(`${variant.name} certificates`, done, cfg.certSteps, loss),
    });
    if (certRun.interrupted) return { ...emptyResult(variant), interrupted: true };
    certLossHistory = certRun.lossHistory;
  }

  // Evaluation on validation images (a seeded subset when evalExamples is smaller than the set).
  const evalSet = evaluationSubset(validation, cfg.evalExamples, o.rng.fork('evaluation images'));
  const nEval = evalSet.count;
  const valCodes = encodeAll(model, evalSet, nEval, cfg.pixelRange);
  const err = { main: new Float32Array(nEval), certFirst: new Float32Array(nEval), certSecond: new Float32Array(nEval) };
  const sq = { main: new Float32Array(nEval), certFirst: new Float32Array(nEval), certSecond: new Float32Array(nEval) };
  const record = (key: keyof typeof err, e: { mae: Float32Array; mse: Float32Array }, at: number) => {
    err[key].set(e.mae, at);
    sq[key].set(e.mse, at);
  };
  const chunk = 512;
  for (let s = 0; s < nEval; s += chunk) {
    const e = Math.min(nEval, s + chunk);
    tf.tidy(() => {
      const x = networkPixels(evalSet.images.subarray(s * pixels, e * pixels), pixels, cfg.pixelRange);
      const code = tf.tensor2d(valCodes.subarray(s * cfg.codeSize, e * cfg.codeSize), [e - s, cfg.codeSize]);
      record('main', perExampleErrors(model.decode(code), x), s);
      record('certFirst', perExampleErrors(certs.first.forward(tf.slice(code, [0, 0], [-1, half])), x), s);
      record('certSecond', perExampleErrors(certs.second.forward(tf.slice(code, [0, half], [-1, half])), x), s);
    });
  }
  const labels = evalSet.labels;
  const magFirst = new Float32Array(nEval);
  const magSecond = new Float32Array(nEval);
  for (let i = 0; i < nEval; i++) {
    let a = 0;
    let b = 0;
    for (let d = 0; d < half; d++) {
      a += Math.abs(valCodes[i * cfg.codeSize + d]);
      b += Math.abs(valCodes[i * cfg.codeSize + half + d]);
    }
    magFirst[i] = a / half;
    magSecond[i] = b / half;
  }
  const codeMagnitude = { firstHalf: classMeans(magFirst, labels, numClasses), secondHalf: classMeans(magSecond, labels, numClasses) };
  const perClass = {
    main: classMeans(err.main, labels, numClasses),
    certFirst: classMeans(err.certFirst, labels, numClasses),
    certSecond: classMeans(err.certSecond, labels, numClasses),
  };
  const perClassMse = {
    main: classMeans(sq.main, labels, numClasses),
    certFirst: classMeans(sq.certFirst, labels, numClasses),
    certSecond: classMeans(sq.certSecond, labels, numClasses),
  };
  const split = Math.floor(numClasses / 2);
  const firstClasses = Array.from({ length: split }, (_, i) => i);
  const secondClasses = Array.from({ length: numClasses - split }, (_, i) => split + i);
  const ratioFirst = ownVsOtherRatio(perClass.certFirst, firstClasses, secondClasses);
  const ratioSecond = ownVsOtherRatio(perClass.certSecond, secondClasses, firstClasses);
  const blindRatioFirst = medianImageError(train, evalSet, secondClasses, cfg.pixelRange) / mean(firstClasses.map((k) => perClass.certFirst[k]));
  const blindRatioSecond = medianImageError(train, evalSet, firstClasses, cfg.pixelRange) / mean(secondClasses.map((k) => perClass.certSecond[k]));
  const ownVsOtherMseRatio = Math.min(
    ownVsOtherRatio(perClassMse.certFirst, firstClasses, secondClasses),
    ownVsOtherRatio(perClassMse.certSecond, secondClasses, firstClasses),
  );

  const samples = (o.sampleIndices ?? []).map((j) =>
    tf.tidy(() => {
      const x = networkPixels(validation.images.subarray(j * pixels, (j + 1) * pixels), pixels, cfg.pixelRange);
      const code = model.encode(x);
      // In [0, 1] for display.
      return [
        x,
        model.decode(code),
        certs.first.forward(tf.slice(code, [0, 0], [-1, half])),
        certs.second.forward(tf.slice(code, [0, half], [-1, half])),
      ].map((t) => tf.clipByValue(cfg.pixelRange === 'symmetric' ? tf.div(tf.add(t, 1), 2) : t, 0, 1).dataSync() as Float32Array);
    }),
  );
  model.dispose();
  certs.dispose();
  return {
    name: variant.name,
    mode: variant.mode,
    routingPct: variant.mode === 'none' ? 0 : variant.routingPct,
    perClass,
    perClassMse,
    codeMagnitude,
    ratioFirst,
    ratioSecond,
    ownVsOtherErrorRatio: Math.min(ratioFirst, ratioSecond),
    ownVsOtherMseRatio,
    blindRatioFirst,
    blindRatioSecond,
    mainMae: mean(Array.from(err.main)),
    lossHistory: ae.lossHistory,
    certLossHistory,
    validationCurve,
    samples,
    seconds: (performance.now() - t0) / 1000,
    interrupted: false,
  };
}

function emptyResult(variant: VariantSpec): VariantResult {
  return {
    name: variant.name,
    mode: variant.mode,
    routingPct: variant.routingPct,
    perClass: { main: [], certFirst: [], certSecond: [] },
    perClassMse: { main: [], certFirst: [], certSecond: [] },
    codeMagnitude: { firstHalf: [], secondHalf: [] },
    ratioFirst: NaN,
    ratioSecond: NaN,
    ownVsOtherErrorRatio: NaN,
    ownVsOtherMseRatio: NaN,
    blindRatioFirst: NaN,
    blindRatioSecond: NaN,
    mainMae: NaN,
    lossHistory: [],
    certLossHistory: [],
    validationCurve: [],
    samples: [],
    seconds: 0,
  };
}
