// SGD with momentum, dampening, Nesterov and L2 weight decay, following torch.optim.SGD:
//   d = g + wd * p;  buf = d (first step) or momentum * buf + (1 - dampening) * d
//   d = nesterov ? d + momentum * buf : buf;  p = p - lr * d
import { tf } from '../../engine/tfjs.js';
import type { Tensor, Variable } from '../../engine/tfjs.js';
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

  protected update(slot: Slot<SGDOptions>, grad: Tensor, lr: number): Tensor {
    const { momentum, dampening, nesterov, weightDecay } = slot.options;
    let d = weightDecay !== 0 ? tf.add(grad, tf.mul(slot.param, weightDecay)) : grad;
    if (momentum !== 0) {
      const prev = this.getStateTensor('momentum_buffer', slot.name);
      const buf = prev ? tf.add(tf.mul(prev, momentum), tf.mul(d, 1 - dampening)) : tf.clone(d);
      this.setStateTensor('momentum_buffer', slot.name, buf);
      d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
    }
    return tf.sub(slot.param, tf.mul(d, lr));
  }
}
