// Labelled image datasets held as flat typed arrays, seeded splits, and a resumable batch
// sampler that reshuffles every epoch. Experiments on digits, MNIST and Fashion-MNIST share these.
import type { Rng } from '../../engine/rng.js';

export interface ImageDataset {
  /** Where the data came from (e.g. "mnist-digits"). */
  name: string;
  /** `count * height * width` pixel values, row-major, one image after another, in [0, 1]. */
  images: Float32Array;
  /** One class index per image, in [0, numClasses). */
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  numClasses: number;
}

/** Checks the shapes and label range of a dataset; throws a clear error naming `name` otherwise. */
export function validateDataset(ds: ImageDataset): ImageDataset {
  const size = ds.height * ds.width;
  if (!Number.isInteger(ds.count) || ds.count < 0) throw new Error(`dataset ${ds.name}: count must be a non-negative integer, got ${ds.count}`);
  if (ds.images.length !== ds.count * size) {
    throw new Error(`dataset ${ds.name}: expected ${ds.count}x${ds.height}x${ds.width} = ${ds.count * size} pixel values, got ${ds.images.length}`);
  }
  if (ds.labels.length !== ds.count) throw new Error(`dataset ${ds.name}: ${ds.count} images but ${ds.labels.length} labels`);
  for (let i = 0; i < ds.count; i++) {
    const y = ds.labels[i];
    if (y < 0 || y >= ds.numClasses) throw new Error(`dataset ${ds.name}: label ${y} of image ${i} is outside [0, ${ds.numClasses})`);
  }
  return ds;
}

/** The images at `indices`, copied into a new dataset (in that order). */
export function subset(ds: ImageDataset, indices: ArrayLike<number>, name = ds.name): ImageDataset {
  const batch = gatherBatch(ds, indices);
  return { ...ds, name, images: batch.images, labels: batch.labels, count: indices.length };
}

/** Copies the images and labels at `indices` into contiguous arrays (one batch). */
export function gatherBatch(ds: ImageDataset, indices: ArrayLike<number>): { images: Float32Array; labels: Int32Array } {
  const size = ds.height * ds.width;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!Number.isInteger(j) || j < 0 || j >= ds.count) throw new Error(`dataset ${ds.name}: index ${j} is outside [0, ${ds.count})`);
    images.set(ds.images.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = ds.labels[j];
  }
  return { images, labels };
}

/**
 * A seeded split into training and validation sets: a random `validationFraction` of the
 * images (rounded, at least one of each side when count >= 2) goes to validation. The same
 * seed gives the same split.
 */
export function splitTrainValidation(ds: ImageDataset, validationFraction: number, rng: Rng): { train: ImageDataset; validation: ImageDataset } {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new Error(`splitTrainValidation: validationFraction must be in (0, 1), got ${validationFraction}`);
  }
  if (ds.count < 2) throw new Error(`splitTrainValidation: dataset ${ds.name} has ${ds.count} images; need at least 2`);
  const order = rng.permutation(ds.count);
  const nVal = Math.min(ds.count - 1, Math.max(1, Math.round(ds.count * validationFraction)));
  const valIdx = order.slice(0, nVal).sort();
  const trainIdx = order.slice(nVal).sort();
  return { train: subset(ds, trainIdx, `${ds.name}/train`), validation: subset(ds, valIdx, `${ds.name}/validation`) };
}

/** Number of images per class. */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.numClasses).fill(0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]]++;
  return counts;
}

export interface BatchSamplerOptions {
  /** Shuffle the order every epoch (default true). */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default true, so every batch has the same shape). */
  dropLast?: boolean;
}

/**
 * Batches of indices into a dataset of `count` items, epoch after epoch, each epoch in its own
 * seeded order. The batch of a step is a pure function of the seed and the step number, so a
 * resumed run draws exactly the batches an uninterrupted one would, with no state to save.
 */
export class BatchSampler {
  readonly batchSize: number;
  readonly count: number;
  readonly batchesPerEpoch: number;
  private readonly shuffle: boolean;
  private readonly base: Rng;
  private cachedEpoch = -1;
  private order: Int32Array = new Int32Array(0);

  /** `rng` is only read (forked), never advanced. */
  constructor(count: number, batchSize: number, rng: Rng, options: BatchSamplerOptions = {}) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`BatchSampler: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(count) || count < 1) throw new Error(`BatchSampler: count must be a positive integer, got ${count}`);
    const dropLast = options.dropLast ?? true;
    if (dropLast && batchSize > count) throw new Error(`BatchSampler: batchSize ${batchSize} exceeds the ${count} items (with dropLast)`);
    this.count = count;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? true;
    this.batchesPerEpoch = dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
    this.base = rng.fork('batch-sampler');
  }

  /** The 0-based epoch that 0-based `step` falls in. */
  epochOf(step: number): number {
    return Math.floor(step / this.batchesPerEpoch);
  }

  /** The order of all items in `epoch`. */
  epochOrder(epoch: number): Int32Array {
    if (epoch !== this.cachedEpoch) {
      this.order = this.shuffle ? this.base.fork(`epoch ${epoch}`).permutation(this.count) : Int32Array.from({ length: this.count }, (_, i) => i);
      this.cachedEpoch = epoch;
    }
    return this.order;
  }

  /** The indices of the batch for 0-based `step`. */
  batch(step: number): Int32Array {
    if (!Number.isInteger(step) || step < 0) throw new Error(`BatchSampler: step must be a non-negative integer, got ${step}`);
    const order = this.epochOrder(this.epochOf(step));
    const start = (step % this.batchesPerEpoch) * this.batchSize;
    return order.slice(start, Math.min(start + this.batchSize, this.count));
  }
}
