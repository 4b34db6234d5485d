// AdamW (decoupled weight decay) with PyTorch's defaults and update order, in plain tf ops,
// so a benchmark step does the same work as torch.optim.AdamW.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor, Variable, NamedTensorMap } from '../../src/engine/tfjs.js';

export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** torch.optim.AdamW's defaults; the peer uses the same. */
export const ADAMW_DEFAULTS: AdamWOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 };

/** The optimizer settings a training workload uses (torch's defaults at full scale). */
export type OptimizerSettings = Pick<AdamWOptions, 'lr' | 'weightDecay'>;

export class PlainAdamW {
  private readonly m: Variable[];
  private readonly v: Variable[];
  private t = 0;

  constructor(
    private readonly params: Variable[],
    private readonly opts: AdamWOptions = ADAMW_DEFAULTS,
  ) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** One update from gradients keyed by variable name (as tf.variableGrads returns them). */
  step(grads: NamedTensorMap): void {
    this.t += 1;
    const { lr, beta1, beta2, eps, weightDecay } = this.opts;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g: Tensor | undefined = grads[p.name];
        if (!g) throw new Error(`AdamW: no gradient for variable ${p.name}`);
        const m = this.m[i];
        const v = this.v[i];
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
        p.assign(tf.sub(tf.mul(p, 1 - lr * weightDecay), tf.mul(tf.div(m, denom), lr / bc1)));
      });
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}

/**
 * One training step: loss, gradients of every parameter, AdamW update. Returns the loss before
 * the update; `onGrads` sees the gradients first (the peer check compares them).
 */
export function trainStep(lossFn: () => Tensor, params: Variable[], opt: PlainAdamW, onGrads?: (grads: NamedTensorMap) => void): number {
  const { value, grads } = tf.variableGrads(lossFn as () => tf.Scalar, params);
  onGrads?.(grads);
  opt.step(grads);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}

/**
 * The values a peer must reproduce for a training workload from the same starting state:
 * the gradients of the first step (parameters in order, flattened, glassbox layout) and the
 * losses of three successive steps (which checks the optimizer update too).
 */
export function trainReference(lossFn: () => Tensor, params: Variable[], opt: PlainAdamW): Record<string, number[]> {
  const grads: number[] = [];
  const collect = (g: NamedTensorMap) => {
    for (const p of params) for (const v of g[p.name].dataSync()) grads.push(v);
  };
  const loss = [trainStep(lossFn, params, opt, collect), trainStep(lossFn, params, opt), trainStep(lossFn, params, opt)];
  return { loss, grads };
}
