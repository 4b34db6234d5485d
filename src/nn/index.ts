// Public surface of glassbox's neural-net basics.
export { Module, ModuleList } from './module.js';
export type { LoadStateDictOptions } from './module.js';
export * as init from './init.js';
export {
  relu, gelu, geluTanh, silu, tanh, sigmoid, identity, softmax, logSoftmax, activationByName, ACTIVATIONS,
} from './activations.js';
export type { ActivationFn, ActivationName } from './activations.js';
export { softmaxCrossEntropy } from './losses.js';
export { Linear } from './linear.js';
export type { LinearOptions, WeightInit } from './linear.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { LayerNorm } from './layer-norm.js';
export type { LayerNormOptions } from './layer-norm.js';
export { MLP } from './mlp.js';
export type { MLPOptions } from './mlp.js';
export { Conv2d } from './conv2d.js';
export type { Conv2dOptions } from './conv2d.js';
export { BatchNorm2d } from './batch-norm.js';
export type { BatchNorm2dOptions } from './batch-norm.js';
export { ResBlock } from './res-block.js';
export type { ResBlockOptions } from './res-block.js';
export { lossAndGrads, globalNorm, clipGradsByGlobalNorm, accumulateGrads, disposeGrads } from './grads.js';
export type { NamedGrads } from './grads.js';
export { Optimizer, isBiasOrNormParam } from './optim/optimizer.js';
export type { BaseOptions, ParamGroup, OptimizerState, Slot } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';
export type { SGDOptions, SGDConfig } from './optim/sgd.js';
export { Adam, AdamW } from './optim/adam.js';
export type { AdamOptions, AdamConfig } from './optim/adam.js';
export { constantLr, linearWarmup, cosineWithWarmup, stepDecay } from './schedules.js';
export type { Schedule, CosineOptions } from './schedules.js';
export { train } from './train.js';
export type { TrainOptions, TrainResult, StepMetrics, CheckpointOptions } from './train.js';
