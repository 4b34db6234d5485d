// Benchmark (c): one training step of a pre-LayerNorm GPT-2 style transformer block built from
// src/nn layers: x + attn(LN(x)), then + MLP(LN(.)) with GELU (tanh approximation); causal
// multi-head self-attention; loss = mean of the output squared; AdamW.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { LayerNorm, Linear, MLP, Module, init, type WeightInit } from '../../src/nn/index.js';
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

/** [seq, seq] additive mask: 0 where a position may attend (key <= query), -1e9 elsewhere. */
function causalMask(seq: number): Tensor {
  const data = new Float32Array(seq * seq);
  for (let q = 0; q < seq; q++) for (let k = q + 1; k < seq; k++) data[q * seq + k] = -1e9;
  return tf.tensor2d(data, [seq, seq]);
}

class CausalSelfAttention extends Module {
  readonly qkv: Linear;
  readonly proj: Linear;
  private readonly mask: Tensor;

  constructor(private readonly d: number, private readonly heads: number, seq: number, rng: Rng, weightInit: WeightInit) {
    super();
    if (d % heads !== 0) throw new Error(`transformer block: dModel ${d} is not divisible by heads ${heads}`);
    this.qkv = this.registerModule('qkv', new Linear(d, 3 * d, { rng, init: weightInit }));
    this.proj = this.registerModule('proj', new Linear(d, d, { rng, init: weightInit }));
    this.mask = causalMask(seq);
  }

  forward(x: Tensor): Tensor {
    const [batch, seq] = x.shape;
    const dHead = this.d / this.heads;
    const split = (t: Tensor) => tf.transpose(tf.reshape(t, [batch, seq, this.heads, dHead]), [0, 2, 1, 3]);
    const [q, k, v] = tf.split(this.qkv.forward(x), 3, 2).map(split);
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dHead)), this.mask);
    const mixed = tf.matMul(tf.softmax(scores), v);
    return this.proj.forward(tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, seq, this.d]));
  }

  override dispose(): void {
    this.mask.dispose();
    super.dispose();
  }
}

class TransformerBlock extends Module {
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNorm;
  readonly mlp: MLP;

  constructor(s: BlockShape, rng: Rng) {
    super();
    const weightInit: WeightInit = (r, shape) => init.normal(r, shape, s.initStd);
    this.ln1 = this.registerModule('ln1', new LayerNorm(s.dModel));
    this.attn = this.registerModule('attn', new CausalSelfAttention(s.dModel, s.heads, s.seq, rng, weightInit));
    this.ln2 = this.registerModule('ln2', new LayerNorm(s.dModel));
    this.mlp = this.registerModule('mlp', new MLP([s.dModel, s.dMlp, s.dModel], { rng, activation: 'gelu_tanh', init: weightInit }));
  }

  forward(x: Tensor): Tensor {
    const h = tf.add(x, this.attn.forward(this.ln1.forward(x)));
    return tf.add(h, this.mlp.forward(this.ln2.forward(h)));
  }
}

export function buildBlockStep(shape: BlockShape, seed = 2): Workload {
  const rng = new Rng(seed);
  const model = new TransformerBlock(shape, rng.fork('init'));
  const params = model.namedParameters();
  const x = init.normal(rng, [shape.batch, shape.seq, shape.dModel]);
  const opt = makeAdamW(params, shape.optimizer);
  const loss = (): tf.Scalar => tf.mean(tf.square(model.forward(x)));

  return {
    run: () => void trainStep(params, loss, opt),
    exportState: () => ({ params: exportAll(model.stateDict()), inputs: exportAll({ x }) }),
    reference: () => trainReference(params, loss, opt),
    dispose: () => {
      opt.dispose();
      model.dispose();
      x.dispose();
    },
  };
}
