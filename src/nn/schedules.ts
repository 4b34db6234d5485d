// Learning-rate schedules: pure functions of the 0-based step number, so a resumed run gets
// exactly the learning rates an uninterrupted one would.
export type Schedule = (step: number) => number;

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 0) throw new Error(`schedule: step must be a non-negative integer, got ${step}`);
}

function checkNonNegative(name: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: ${field} must be a finite number >= 0, got ${value}`);
}

function checkCount(name: string, field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}: ${field} must be an integer >= ${min}, got ${value}`);
}

export function constantLr(lr: number): Schedule {
  checkNonNegative('constantLr', 'lr', lr);
  return (step) => {
    checkStep(step);
    return lr;
  };
}

/** Warmup factor for 0-based `step`: (step + 1) / warmupSteps during warmup, then 1. */
function warmupFactor(step: number, warmupSteps: number): number {
  return step < warmupSteps ? (step + 1) / warmupSteps : 1;
}

/** Rises linearly from lr / warmupSteps at step 0 to lr at step warmupSteps - 1, then stays at lr. */
export function linearWarmup(lr: number, warmupSteps: number): Schedule {
  checkNonNegative('linearWarmup', 'lr', lr);
  checkCount('linearWarmup', 'warmupSteps', warmupSteps, 0);
  return (step) => {
    checkStep(step);
    return lr * warmupFactor(step, warmupSteps);
  };
}

export interface CosineOptions {
  peakLr: number;
  /** Linear warmup steps before the decay (default 0). */
  warmupSteps?: number;
  /** The step at which the decay reaches minLr; it stays there afterwards. */
  totalSteps: number;
  minLr?: number;
}

/**
 * Linear warmup to peakLr, then half a cosine from peakLr (at step warmupSteps) down to minLr
 * (at step totalSteps): lr = minLr + (peakLr - minLr) * (1 + cos(pi * progress)) / 2.
 */
export function cosineWithWarmup(options: CosineOptions): Schedule {
  const { peakLr, totalSteps } = options;
  const warmupSteps = options.warmupSteps ?? 0;
  const minLr = options.minLr ?? 0;
  checkNonNegative('cosineWithWarmup', 'peakLr', peakLr);
  checkNonNegative('cosineWithWarmup', 'minLr', minLr);
  checkCount('cosineWithWarmup', 'warmupSteps', warmupSteps, 0);
  checkCount('cosineWithWarmup', 'totalSteps', totalSteps, warmupSteps + 1);
  if (minLr > peakLr) throw new Error(`cosineWithWarmup: minLr (${minLr}) must not exceed peakLr (${peakLr})`);
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return peakLr * warmupFactor(step, warmupSteps);
    const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
    return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

/** lr * gamma^floor(step / stepSize), as torch.optim.lr_scheduler.StepLR. */
export function stepDecay(lr: number, stepSize: number, gamma: number): Schedule {
  checkNonNegative('stepDecay', 'lr', lr);
  checkCount('stepDecay', 'stepSize', stepSize, 1);
  checkNonNegative('stepDecay', 'gamma', gamma);
  return (step) => {
    checkStep(step);
    return lr * gamma ** Math.floor(step / stepSize);
  };
}
