// Configurations of the partitioned-autoencoder experiment: the full one (the issue's
// architecture) and the quick one (smaller widths and fewer steps, so that it runs in minutes on
// the pure-JS backend), plus a test-sized one.
import type { RouteMnistConfig } from './experiment.js';

export const FULL_CONFIG: RouteMnistConfig = {
  hidden: [2048, 512],
  codeSize: 32,
  batchSize: 128,
  steps: 3000,
  lr: 1e-3,
  l1First: 0.01,
  l1Second: 0.01,
  corrCoef: 0.1,
  certHidden: [2048, 512],
  certSteps: 1500,
  certLr: 1e-3,
  certBatchSize: 128,
  evalExamples: 10000,
  curveEvery: 100,
  curveExamples: 500,
  checkpointEvery: 250,
};

export const QUICK_CONFIG: RouteMnistConfig = {
  ...FULL_CONFIG,
  hidden: [64],
  batchSize: 32,
  steps: 1000,
  lr: 2e-3,
  certHidden: [64],
  certSteps: 600,
  certLr: 2e-3,
  certBatchSize: 32,
  evalExamples: 1000,
  curveEvery: 50,
  curveExamples: 200,
};

/** Test-sized: seconds, still enough to show the split on the digits. */
export const TINY_CONFIG: RouteMnistConfig = {
  ...QUICK_CONFIG,
  hidden: [32],
  steps: 300,
  certHidden: [32],
  certSteps: 200,
  evalExamples: 500,
  curveEvery: 100,
  curveExamples: 100,
};
