// A generic training loop: batches from a seeded sampler, loss -> gradients -> optional clipping
// -> optimizer step at the schedule's learning rate, a checkpoint every N steps, at the end and on
// SIGINT/SIGTERM, and exact resume (parameters, buffers, optimizer state, sampler RNG, step, loss
// history) from the checkpoint directory.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Rng, RngState } from '../engine/rng.js';
import { loadCheckpoint, saveCheckpoint } from '../engine/checkpoint.js';
import type { Module } from './module.js';
import type { BaseOptions, Optimizer, OptimizerState } from './optim/optimizer.js';
import type { Schedule } from './schedules.js';
import { clipGradsByGlobalNorm, lossAndGrads } from './grads.js';

export interface StepMetrics {
  loss: number;
  lr: number;
  /** Global gradient norm before clipping (only when maxGradNorm is set). */
  gradNorm?: number;
}

export interface CheckpointOptions {
  dir: string;
  /** Save after every this many steps (plus at the end and on interrupt). */
  every: number;
  /** Save and stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Called after each save with the number of completed steps. */
  onSaved?: (step: number) => void;
}

export interface TrainOptions<B> {
  /** Checkpointed with its buffers. The loop leaves its train/eval mode alone. */
  model: Module;
  /** Updates exactly the parameters it was built with; they are the ones differentiated. */
  optimizer: Optimizer<BaseOptions>;
  totalSteps: number;
  schedule: Schedule;
  /** The sampler's generator; its state is saved in checkpoints so a resumed run draws the same batches. */
  rng: Rng;
  /** Draws the batch for 0-based `step`. Tensors it creates are freed after the step. */
  sampleBatch: (rng: Rng, step: number) => B;
  /** The scalar loss of a batch (runs under the gradient tape). */
  loss: (batch: B, step: number) => tf.Scalar;
  /** Clip gradients to this global L2 norm (as torch's clip_grad_norm_). */
  maxGradNorm?: number;
  checkpoint?: CheckpointOptions;
  /** Called after each step with the number of completed steps; awaited if it returns a promise. */
  onProgress?: (step: number, totalSteps: number, metrics: StepMetrics) => void | Promise<void>;
}

export interface TrainResult {
  /** Loss of every step from 0 to the last completed one (including steps before a resume). */
  lossHistory: number[];
  /** Completed steps at the start of this call (0 unless resumed). */
  resumedFromStep: number;
  /** Completed steps at the end of this call. */
  stepsCompleted: number;
  /** True when a signal stopped the run before totalSteps; the caller should exit (e.g. code 130). */
  interrupted: boolean;
}

const STATE_KIND = 'glassbox-train';
const MODEL_PREFIX = 'model.';
const OPTIM_PREFIX = 'optim.';

interface TrainState {
  kind: typeof STATE_KIND;
  step: number;
  totalSteps: number;
  rng: RngState;
  optimizer: OptimizerState['json'];
  lossHistory: number[];
}

function save<B>(opts: TrainOptions<B>, dir: string, step: number, lossHistory: number[]): void {
  const tensors: Record<string, Tensor> = {};
  for (const [n, t] of Object.entries(opts.model.stateDict())) tensors[MODEL_PREFIX + n] = t;
  const optState = opts.optimizer.getState();
  try {
    for (const [n, t] of Object.entries(optState.tensors)) tensors[OPTIM_PREFIX + n] = t;
    const state: TrainState = { kind: STATE_KIND, step, totalSteps: opts.totalSteps, rng: opts.rng.getState(), optimizer: optState.json, lossHistory };
    saveCheckpoint(dir, { tensors, state });
  } finally {
    for (const t of Object.values(optState.tensors)) t.dispose();
  }
}

/** Restores a run from dir; returns its state, or null when dir holds no checkpoint. */
function restore<B>(opts: TrainOptions<B>, dir: string): TrainState | null {
  const ckpt = loadCheckpoint(dir);
  if (!ckpt) return null;
  try {
    const state = ckpt.state as TrainState;
    if (!state || state.kind !== STATE_KIND || !Number.isInteger(state.step) || !Array.isArray(state.lossHistory)) {
      throw new Error(`train: checkpoint in ${dir} is not a training checkpoint (state.kind should be "${STATE_KIND}")`);
    }
    if (state.step > opts.totalSteps) {
      throw new Error(`train: checkpoint in ${dir} is at step ${state.step}, beyond totalSteps ${opts.totalSteps}`);
    }
    const model: Record<string, Tensor> = {};
    const optim: Record<string, Tensor> = {};
    for (const [n, t] of Object.entries(ckpt.tensors)) {
      if (n.startsWith(MODEL_PREFIX)) model[n.slice(MODEL_PREFIX.length)] = t;
      else if (n.startsWith(OPTIM_PREFIX)) optim[n.slice(OPTIM_PREFIX.length)] = t;
      else throw new Error(`train: checkpoint in ${dir} has unexpected tensor "${n}"`);
    }
    opts.model.loadStateDict(model);
    opts.optimizer.setState({ tensors: optim, json: state.optimizer });
    opts.rng.setState(state.rng);
    return state;
  } finally {
    for (const t of Object.values(ckpt.tensors)) t.dispose();
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs (or resumes) training up to totalSteps. */
export async function train<B>(opts: TrainOptions<B>): Promise<TrainResult> {
  const { totalSteps, checkpoint } = opts;
  if (!Number.isInteger(totalSteps) || totalSteps < 0) throw new Error(`train: totalSteps must be a non-negative integer, got ${totalSteps}`);
  if (checkpoint && (!Number.isInteger(checkpoint.every) || checkpoint.every < 1)) {
    throw new Error(`train: checkpoint.every must be a positive integer, got ${checkpoint.every}`);
  }
  const restored = checkpoint ? restore(opts, checkpoint.dir) : null;
  const lossHistory = restored ? [...restored.lossHistory] : [];
  const resumedFromStep = restored?.step ?? 0;
  let step = resumedFromStep;
  let lastSaved = restored ? step : -1;
  const params = opts.optimizer.namedParameters();

  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  const handleSignals = checkpoint !== undefined && (checkpoint.handleSignals ?? true);
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const saveNow = () => {
    if (!checkpoint || lastSaved === step) return;
    save(opts, checkpoint.dir, step, lossHistory);
    lastSaved = step;
    checkpoint.onSaved?.(step);
  };

  try {
    while (step < totalSteps && !stopRequested) {
      const lr = opts.schedule(step);
      const metrics: StepMetrics = { loss: NaN, lr };
      tf.tidy(() => {
        const batch = opts.sampleBatch(opts.rng, step);
        const { loss, grads } = lossAndGrads(params, () => opts.loss(batch, step));
        metrics.loss = loss.dataSync()[0];
        if (!Number.isFinite(metrics.loss)) {
          throw new Error(`train: loss is ${metrics.loss} at step ${step}; stopping before the update (lower the learning rate or clip gradients)`);
        }
        let used = grads;
        if (opts.maxGradNorm !== undefined) {
          const clipped = clipGradsByGlobalNorm(grads, opts.maxGradNorm);
          used = clipped.grads;
          metrics.gradNorm = clipped.totalNorm;
        }
        opts.optimizer.lr = lr;
        opts.optimizer.step(used);
      });
      lossHistory.push(metrics.loss);
      step++;
      if (checkpoint && step % checkpoint.every === 0) saveNow();
      await opts.onProgress?.(step, totalSteps, metrics);
      await yieldToEventLoop(); // lets SIGINT/SIGTERM handlers run between steps
    }
    saveNow();
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  return { lossHistory, resumedFromStep, stepsCompleted: step, interrupted: step < totalSteps };
}
