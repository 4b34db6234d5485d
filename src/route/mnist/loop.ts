// A small resumable training loop for the experiment's phases: one optimizer step per call of
// `step`, a checkpoint (module, optimizer, step, curves) every `every` steps, at the end and on
// SIGINT/SIGTERM, and exact resume from the checkpoint directory.
import type { Tensor } from '../../engine/tfjs.js';
import { loadCheckpoint, saveCheckpoint } from '../../engine/checkpoint.js';
import type { Module } from '../../nn/module.js';
import type { BaseOptions, Optimizer } from '../../nn/optim/optimizer.js';

export interface LoopOptions {
  module: Module;
  optimizer: Optimizer<BaseOptions>;
  totalSteps: number;
  /** Runs step `i` (0-based) and returns its loss. */
  step: (i: number) => number;
  /** Checkpoint directory (none when omitted). */
  dir?: string;
  every?: number;
  /** Called after each step with the number of completed steps and the step's loss. */
  onProgress?: (done: number, loss: number) => void;
}

export interface LoopResult {
  lossHistory: number[];
  resumedFromStep: number;
  interrupted: boolean;
}

interface LoopState {
  kind: 'glassbox-route-loop';
  step: number;
  lossHistory: number[];
  optimizer: ReturnType<Optimizer<BaseOptions>['getState']>['json'];
}

function save(o: LoopOptions, step: number, lossHistory: number[]): void {
  const tensors: Record<string, Tensor> = {};
  for (const [n, t] of Object.entries(o.module.stateDict())) tensors[`model.${n}`] = t;
  const opt = o.optimizer.getState();
  try {
    for (const [n, t] of Object.entries(opt.tensors)) tensors[`optim.${n}`] = t;
    const state: LoopState = { kind: 'glassbox-route-loop', step, lossHistory, optimizer: opt.json };
    saveCheckpoint(o.dir!, { tensors, state });
  } finally {
    for (const t of Object.values(opt.tensors)) t.dispose();
  }
}

function restore(o: LoopOptions): LoopState | null {
  const ckpt = loadCheckpoint(o.dir!);
  if (!ckpt) return null;
  try {
    const state = ckpt.state as LoopState;
    if (state?.kind !== 'glassbox-route-loop') throw new Error(`checkpoint in ${o.dir} is not from this experiment's training loop`);
    if (state.step > o.totalSteps) throw new Error(`checkpoint in ${o.dir} is at step ${state.step}, beyond the ${o.totalSteps} steps asked for`);
    const model: Record<string, Tensor> = {};
    const optim: Record<string, Tensor> = {};
    for (const [n, t] of Object.entries(ckpt.tensors)) {
      if (n.startsWith('model.')) model[n.slice(6)] = t;
      else if (n.startsWith('optim.')) optim[n.slice(6)] = t;
    }
    o.module.loadStateDict(model);
    o.optimizer.setState({ tensors: optim, json: state.optimizer });
    return state;
  } finally {
    for (const t of Object.values(ckpt.tensors)) t.dispose();
  }
}

export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  const restored = o.dir ? restore(o) : null;
  const lossHistory = restored ? [...restored.lossHistory] : [];
  const resumedFromStep = restored?.step ?? 0;
  let step = resumedFromStep;
  let saved = step;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  if (o.dir) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    while (step < o.totalSteps && !stop) {
      const loss = o.step(step);
      if (!Number.isFinite(loss)) throw new Error(`training loss is ${loss} at step ${step}; lower the learning rate`);
      lossHistory.push(loss);
      step++;
      o.onProgress?.(step, loss);
      if (o.dir && o.every && step % o.every === 0) {
        save(o, step, lossHistory);
        saved = step;
      }
      await new Promise<void>((r) => setImmediate(r));
    }
    if (o.dir && saved !== step) save(o, step, lossHistory);
  } finally {
    if (o.dir) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  return { lossHistory, resumedFromStep, interrupted: step < o.totalSteps };
}
