// A training step as the benchmark times it (loss, gradients of every parameter, optimizer
// update), and the values a peer must reproduce from the same starting state.
import { tf } from '../../src/engine/tfjs.js';
import type { Variable } from '../../src/engine/tfjs.js';
import { AdamW, disposeGrads, lossAndGrads, type NamedGrads } from '../../src/nn/index.js';

/** AdamW's learning rate and weight decay (its betas and eps are torch's defaults). */
export interface OptimizerSettings {
  lr: number;
  weightDecay: number;
}

export const TORCH_ADAMW_DEFAULTS: OptimizerSettings = { lr: 1e-3, weightDecay: 1e-2 };

export function makeAdamW(params: [string, Variable][], settings: OptimizerSettings): AdamW {
  return new AdamW(params, { lr: settings.lr, weightDecay: settings.weightDecay });
}

/** One step; returns the loss before the update. `onGrads` sees the gradients first. */
export function trainStep(params: [string, Variable][], lossFn: () => tf.Scalar, opt: AdamW, onGrads?: (grads: NamedGrads) => void): number {
  const { loss, grads } = lossAndGrads(params, lossFn);
  onGrads?.(grads);
  opt.step(grads);
  const value = loss.dataSync()[0];
  loss.dispose();
  disposeGrads(grads);
  return value;
}

/**
 * The gradients of the first step (parameters in order, flattened, glassbox layout) and the
 * losses of three successive steps, which checks the optimizer update as well.
 */
export function trainReference(params: [string, Variable][], lossFn: () => tf.Scalar, opt: AdamW): Record<string, number[]> {
  const grads: number[] = [];
  const collect = (g: NamedGrads) => {
    for (const [name] of params) for (const v of g[name].dataSync()) grads.push(v);
  };
  const loss = [trainStep(params, lossFn, opt, collect), trainStep(params, lossFn, opt), trainStep(params, lossFn, opt)];
  return { loss, grads };
}
