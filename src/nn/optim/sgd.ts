// SGD with momentum, dampening, Nesterov and L2 weight decay, following torch.optim.SGD:
//   d = g + wd * p;  buf = d (first step) or momentum * buf + (1 - dampening) * d
//   d = nesterov ? d + momentum * buf : buf;  p = p - lr * d
import type { Variable } from '../../engine/tfjs.js';
import { Optimizer, checkRange, type BaseOptions, type ParamGroup, type Slot } from './optimizer.js';

export interface SGDOptions extends BaseOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

export interface SGDConfig extends Partial<SGDOptions> {
  lr: number;
  groups?: ParamGroup<SGDOptions>[];
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: [string, Variable][], config: SGDConfig) {
    const { lr, groups, ...rest } = config;
    const defaults: SGDOptions = { weightDecay: 0, lrScale: 1, momentum: 0, dampening: 0, nesterov: false, ...rest };
    super('SGD', params, lr, defaults, groups ?? [], ['momentum_buffer']);
  }

  protected validateOptions(o: SGDOptions, name: string): void {
    checkRange('SGD', 'momentum', name, o.momentum, 0, 1);
    checkRange('SGD', 'dampening', name, o.dampening, 0, 1, true);
    checkRange('SGD', 'weightDecay', name, o.weightDecay, 0, Infinity);
    checkRange('SGD', 'lrScale', name, o.lrScale, 0, Infinity);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(`SGD: nesterov for "${name}" needs momentum > 0 and dampening 0`);
    }
  }

  protected update(slot: Slot<SGDOptions>, p: Float32Array, g: Float32Array, out: Float32Array, lr: number): void {
    const { momentum, dampening, nesterov, weightDecay } = slot.options;
    const n = p.length;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) out[i] = p[i] - lr * (g[i] + weightDecay * p[i]);
      return;
    }
    const first = this.getStateArray('momentum_buffer', slot.name) === undefined;
    const buf = this.stateArray('momentum_buffer', slot);
    for (let i = 0; i < n; i++) {
      const d = g[i] + weightDecay * p[i];
      const b = first ? d : momentum * buf[i] + (1 - dampening) * d;
      buf[i] = b;
      out[i] = p[i] - lr * (nesterov ? d + momentum * buf[i] : buf[i]);
    }
  }
}
