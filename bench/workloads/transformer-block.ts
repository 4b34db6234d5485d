// Benchmark (c): one training step of one block of glassbox's transformer (src/nn/transformer,
// GPT-2 style, pre-LayerNorm): x + attn(LN(x)), then + MLP(LN(.)) with GELU (tanh
// approximation); causal multi-head self-attention; loss = mean of the output squared; AdamW.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { init } from '../../src/nn/index.js';
import { HookRun, makeConfig } from '../../src/nn/transformer/index.js';
import { TransformerBlock, weightInit } from '../../src/nn/transformer/components.js';
import { makeAdamW, trainReference, trainStep, TORCH_ADAMW_DEFAULTS, type OptimizerSettings } from './train-step.js';
import { exportAll, type Workload } from './workload.js';

export interface BlockShape {
  batch: number;
  seq: number;
  dModel: number;
  heads: number;
  dMlp: number;
  /** Standard deviation of the initial weight matrices. */
  initStd: number;
  optimizer: OptimizerSettings;
}

export const BLOCK_FULL: BlockShape = {
  batch: 16, seq: 128, dModel: 256, heads: 4, dMlp: 1024, initStd: 0.02, optimizer: TORCH_ADAMW_DEFAULTS,
};
/** Large weights and steps, so differences in GELU, attention or the optimizer show in the peer check. */
export const BLOCK_TINY: BlockShape = {
  batch: 2, seq: 5, dModel: 8, heads: 2, dMlp: 16, initStd: 0.5, optimizer: { lr: 0.05, weightDecay: 0.5 },
};

/** [1, 1, seq, seq] additive mask: 0 where a position may attend (key <= query), -1e9 elsewhere. */
function causalMask(seq: number): Tensor {
  const data = new Float32Array(seq * seq);
  for (let q = 0; q < seq; q++) for (let k = q + 1; k < seq; k++) data[q * seq + k] = -1e9;
  return tf.tensor4d(data, [1, 1, seq, seq]);
}

export function buildBlockStep(shape: BlockShape, seed = 2): Workload {
  const rng = new Rng(seed);
  const cfg = makeConfig({
    nLayers: 1, dModel: shape.dModel, nHeads: shape.heads, dMlp: shape.dMlp, dVocab: 1, nCtx: shape.seq, actFn: 'gelu_new', initStd: shape.initStd,
  }, 'benchmark transformer block');
  const block = new TransformerBlock(cfg, 0, rng.fork('init'), weightInit(cfg, true));
  const params = block.namedParameters();
  const x = init.normal(rng, [shape.batch, shape.seq, shape.dModel]);
  const mask = causalMask(shape.seq);
  const noHooks = new Set<string>();
  const opt = makeAdamW(params, shape.optimizer);
  const loss = (): tf.Scalar => {
    const run = new HookRun(noHooks, [], null);
    return tf.mean(tf.square(block.forward(x, { run, mask, rotary: null, kv: null })));
  };

  return {
    run: () => void trainStep(params, loss, opt),
    exportState: () => ({ params: exportAll(block.stateDict()), inputs: exportAll({ x }) }),
    reference: () => trainReference(params, loss, opt),
    dispose: () => {
      opt.dispose();
      block.dispose();
      tf.dispose([x, mask]);
    },
  };
}
