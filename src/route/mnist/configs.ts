// Configurations of the partitioned-autoencoder experiment: the full one (the issue's
// architecture), quick ones (smaller widths and fewer steps; one sized for the native backend,
// one for the pure-JS backend, which is about 50 times slower), and a test-sized one.
import type { RouteMnistConfig } from './experiment.js';

/**
 * The issue's architecture with the reference's coefficients, trained for 24000 steps of batch
 * 128 (3.1M examples, a quarter of the reference's 200 epochs at batch 2048) and 4000 certificate
 * steps: about 20 minutes per variant on a quiet 2-core machine. The shortest measured training
 * at which the digits' split reaches the target ratio of 2 (2000 steps gave 1.49, 8000 1.75,
 * 16000 1.94, 24000 2.06); see src/route/README.md.
 */
export const FULL_CONFIG: RouteMnistConfig = {
  hidden: [2048, 512],
  codeSize: 32,
  headInitScale: 0.01,
  batchSize: 128,
  steps: 24000,
  lr: 1e-3,
  pixelRange: 'unit',
  weightDecay: 5e-5,
  l1First: 3e-3,
  l1Second: 3e-3,
  corrCoef: 0.1,
  certHidden: [2048, 512],
  certSchedule: 'after',
  certSteps: 4000,
  certLr: 1e-3,
  certBatchSize: 128,
  evalExamples: 10000,
  curveEvery: 100,
  curveExamples: 500,
  checkpointEvery: 250,
};

/** --quick on the native backend: about a minute per variant. */
export const QUICK_CONFIG: RouteMnistConfig = {
  ...FULL_CONFIG,
  hidden: [128],
  steps: 2000,
  lr: 3e-3,
  certHidden: [128],
  certSteps: 2000,
  certLr: 2e-3,
  evalExamples: 2000,
  curveEvery: 50,
  curveExamples: 200,
};

/** --quick on the pure-JS cpu backend: under a minute and a half per variant. */
export const QUICK_CPU_CONFIG: RouteMnistConfig = {
  ...QUICK_CONFIG,
  hidden: [32],
  batchSize: 64,
  steps: 600,
  certHidden: [32],
  certSteps: 400,
  certBatchSize: 64,
  evalExamples: 1000,
};

/** Test-sized: seconds on the native backend, still enough for the routed split to show. */
export const TINY_CONFIG: RouteMnistConfig = {
  ...QUICK_CONFIG,
  hidden: [64],
  batchSize: 64,
  steps: 1000,
  certHidden: [64],
  certSteps: 600,
  certBatchSize: 64,
  evalExamples: 500,
  curveEvery: 100,
  curveExamples: 100,
};
