// A residual block of two 3x3 (by default) convolutions with batch norm, NHWC, channels kept.
//   post-activation (ResNet):        relu(x + bn2(conv2(relu(bn1(conv1(x))))))
//   pre-activation (KataGo-style):   x + conv2(relu(bn2(conv1(relu(bn1(x))))))
// The convolutions have no bias: a batch norm follows or precedes each.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Rng } from '../engine/rng.js';
import { Module } from './module.js';
import { Conv2d } from './conv2d.js';
import { BatchNorm2d } from './batch-norm.js';
import type { WeightInit } from './linear.js';

export interface ResBlockOptions {
  rng: Rng;
  kernelSize?: number;
  preActivation?: boolean;
  init?: WeightInit;
}

export class ResBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly preActivation: boolean;

  constructor(readonly channels: number, options: ResBlockOptions) {
    super();
    const k = options.kernelSize ?? 3;
    if (k % 2 !== 1) throw new Error(`ResBlock: kernelSize must be odd so 'same' padding is symmetric, got ${k}`);
    this.preActivation = options.preActivation ?? false;
    const conv = () => new Conv2d(channels, channels, k, { rng: options.rng, padding: 'same', bias: false, init: options.init });
    if (this.preActivation) {
      this.bn1 = this.registerModule('bn1', new BatchNorm2d(channels));
      this.conv1 = this.registerModule('conv1', conv());
      this.bn2 = this.registerModule('bn2', new BatchNorm2d(channels));
      this.conv2 = this.registerModule('conv2', conv());
    } else {
      this.conv1 = this.registerModule('conv1', conv());
      this.bn1 = this.registerModule('bn1', new BatchNorm2d(channels));
      this.conv2 = this.registerModule('conv2', conv());
      this.bn2 = this.registerModule('bn2', new BatchNorm2d(channels));
    }
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      if (this.preActivation) {
        const h = this.conv1.forward(tf.relu(this.bn1.forward(x)));
        return tf.add(x, this.conv2.forward(tf.relu(this.bn2.forward(h))));
      }
      const h = tf.relu(this.bn1.forward(this.conv1.forward(x)));
      return tf.relu(tf.add(x, this.bn2.forward(this.conv2.forward(h))));
    });
  }
}
