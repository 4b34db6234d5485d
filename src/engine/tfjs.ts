// The one place that loads tfjs: tfjs-core, the CPU backend's kernels and all gradients.
// Everything else imports `tf` from here (or from src/engine/index.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '#tfjs-gradients';

export { tf };
export type { Tensor, Rank, Variable, NamedTensorMap, DataType } from '@tensorflow/tfjs-core';
