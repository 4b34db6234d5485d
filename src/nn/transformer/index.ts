// Public surface of glassbox's transformer: the hooked model, its configuration, hook points,
// checkpoints (HF GPT-2 and glassbox layouts), weight processing, generation and LM training.
export { HookedTransformer } from './model.js';
export type { TokenInput, ForwardOptions, CacheResult } from './model.js';
export { makeConfig, activationFor } from './config.js';
export type { TransformerConfig, TransformerConfigInput, NormalizationType, PositionalEmbeddingType } from './config.js';
export { HookRun, layerOfHook } from './hooks.js';
export type { HookContext, ForwardHook, BackwardHook, HookSpec, HookTable, CacheSpec } from './hooks.js';
export { hookNamesFor } from './components.js';
export { KvCache } from './kv-cache.js';
export { processWeights } from './process-weights.js';
export type { ProcessWeightsOptions } from './process-weights.js';
export { configFromHfGpt2, stateFromHfGpt2, isHfGpt2Config } from './hf-gpt2.js';
export { loadTransformer, saveTransformer, readTransformerWeights, transformerFromState, detectLayout } from './weights.js';
export type { LoadTransformerOptions, CheckpointLayout } from './weights.js';
export { generate, chooseToken } from './generate.js';
export type { GenerateOptions, GenerateResult } from './generate.js';
export { trainLanguageModel, nextTokenLoss, sampleWindows, evaluateLoss, isNoDecayParam } from './lm-train.js';
export type { LmTrainOptions } from './lm-train.js';
export { builtinCorpus } from './builtin-corpus.js';
export { runToFile, parseTokenList } from './run-to-file.js';
export { generateText, loadTokenizerFor } from './generate-text.js';
export type { GenerateTextOptions } from './generate-text.js';
export { runLmTrainExperiment } from './lm-experiment.js';
