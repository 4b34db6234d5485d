// The one place that loads tfjs: tfjs-core, the CPU backend's kernels and all gradients.
// Everything else imports `tf` from here (or from src/engine/index.ts).
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import '#tfjs-gradients';

// tfjs-backend-cpu (and so `native`, which extends it) prints a banner recommending tfjs-node on
// each instance's first tensor write in Node. glassbox has its own fast backend, so the advice
// does not apply: a prototype accessor makes every instance's `firstUse` read false.
Object.defineProperty(MathBackendCPU.prototype, 'firstUse', { get: () => false, set: () => {}, configurable: true });

export { tf };
export type { Tensor, Rank, Variable, NamedTensorMap, DataType } from '@tensorflow/tfjs-core';
