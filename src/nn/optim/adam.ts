// Adam (L2-style weight decay added to the gradient) and AdamW (decoupled weight decay),
// following torch.optim.Adam / AdamW (non-amsgrad) exactly:
//   AdamW first: p = p * (1 - lr * wd);   Adam instead: g = g + wd * p
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   p = p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
import type { Variable } from '../../engine/tfjs.js';
import { nativeAdamUpdate } from '../../engine/native/fused.js';
import { Optimizer, checkRange, type BaseOptions, type ParamGroup, type Slot } from './optimizer.js';

export interface AdamOptions extends BaseOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

export interface AdamConfig extends Partial<AdamOptions> {
  lr: number;
  groups?: ParamGroup<AdamOptions>[];
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected constructor(type: string, params: [string, Variable][], config: AdamConfig, defaultWeightDecay: number) {
    const { lr, groups, ...rest } = config;
    const defaults: AdamOptions = { weightDecay: defaultWeightDecay, lrScale: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, ...rest };
    super(type, params, lr, defaults, groups ?? [], ['exp_avg', 'exp_avg_sq']);
  }

  protected abstract readonly decoupled: boolean;

  protected validateOptions(o: AdamOptions, name: string): void {
    checkRange(this.type, 'beta1', name, o.beta1, 0, 1);
    checkRange(this.type, 'beta2', name, o.beta2, 0, 1);
    checkRange(this.type, 'eps', name, o.eps, 0, Infinity);
    checkRange(this.type, 'weightDecay', name, o.weightDecay, 0, Infinity);
    checkRange(this.type, 'lrScale', name, o.lrScale, 0, Infinity);
  }

  protected update(slot: Slot<AdamOptions>, p: Float32Array, g: Float32Array, out: Float32Array, lr: number, step: number): void {
    const { beta1, beta2, eps, weightDecay } = slot.options;
    const m = this.stateArray('exp_avg', slot);
    const v = this.stateArray('exp_avg_sq', slot);
    const decay = this.decoupled ? 1 - lr * weightDecay : 1;
    const l2 = this.decoupled ? 0 : weightDecay;
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    if (nativeAdamUpdate(p, g, m, v, out, { beta1, beta2, eps, stepSize, decay, l2, bc2Sqrt })) return;
    const n = p.length;
    for (let i = 0; i < n; i++) {
      const gi = g[i] + l2 * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      out[i] = p[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    }
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: [string, Variable][], config: AdamConfig) {
    super('Adam', params, config, 0);
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  /** Weight decay defaults to 0.01, as in PyTorch. */
  constructor(params: [string, Variable][], config: AdamConfig) {
    super('AdamW', params, config, 0.01);
  }
}
