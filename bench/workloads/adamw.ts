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

/** One training step: loss, gradients of every parameter, AdamW update. Returns the loss before the update. */
export function trainStep(lossFn: () => Tensor, params: Variable[], opt: PlainAdamW): number {
  const { value, grads } = tf.variableGrads(lossFn as () => tf.Scalar, params);
  opt.step(grads);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}
