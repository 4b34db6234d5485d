// Benchmark (c): one training step of a pre-LayerNorm GPT-2 style transformer block:
// x + attn(LN(x)), then + MLP(LN(.)) with GELU; causal multi-head self-attention;
// loss = mean of the output squared; AdamW.
import { tf } from '../../src/engine/tfjs.js';
import type { Tensor, Variable } from '../../src/engine/tfjs.js';
import { Rng } from '../../src/engine/rng.js';
import { ADAMW_DEFAULTS, PlainAdamW, trainReference, trainStep, type OptimizerSettings } from './adamw.js';
import { causalMask, gelu, layerNorm, linear } from './ops.js';
import { exportAll, randomNormal, type Workload } from './workload.js';

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
  batch: 16, seq: 128, dModel: 256, heads: 4, dMlp: 1024, initStd: 0.02, optimizer: { lr: 1e-3, weightDecay: 1e-2 },
};
/** Large weights and steps, so differences in GELU, attention or the optimizer show in the peer check. */
export const BLOCK_TINY: BlockShape = {
  batch: 2, seq: 5, dModel: 8, heads: 2, dMlp: 16, initStd: 0.5, optimizer: { lr: 0.05, weightDecay: 0.5 },
};

export function buildBlockStep(shape: BlockShape, seed = 2): Workload {
  const { batch, seq, dModel: d, heads, dMlp } = shape;
  if (d % heads !== 0) throw new Error(`transformer block: dModel ${d} is not divisible by heads ${heads}`);
  const dHead = d / heads;
  const rng = new Rng(seed);
  const w = (rows: number, cols: number) => tf.variable(randomNormal(rng, [rows, cols], shape.initStd));
  const zeros = (n: number) => tf.variable(tf.zeros([n]));
  const ones = (n: number) => tf.variable(tf.ones([n]));
  const p: Record<string, Variable> = {
    'ln1.weight': ones(d),
    'ln1.bias': zeros(d),
    'attn.qkv.weight': w(d, 3 * d),
    'attn.qkv.bias': zeros(3 * d),
    'attn.proj.weight': w(d, d),
    'attn.proj.bias': zeros(d),
    'ln2.weight': ones(d),
    'ln2.bias': zeros(d),
    'mlp.fc1.weight': w(d, dMlp),
    'mlp.fc1.bias': zeros(dMlp),
    'mlp.fc2.weight': w(dMlp, d),
    'mlp.fc2.bias': zeros(d),
  };
  const params = Object.values(p);
  const x = randomNormal(rng, [batch, seq, d]);
  const mask = causalMask(seq);
  const opt = new PlainAdamW(params, { ...ADAMW_DEFAULTS, ...shape.optimizer });

  const heads4d = (t: Tensor) => tf.transpose(tf.reshape(t, [batch, seq, heads, dHead]), [0, 2, 1, 3]);
  const attention = (h: Tensor): Tensor => {
    const qkv = linear(h, p['attn.qkv.weight'], p['attn.qkv.bias']);
    const [q, k, v] = tf.split(qkv, 3, 2).map(heads4d);
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dHead)), mask);
    const mixed = tf.matMul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, seq, d]);
    return linear(merged, p['attn.proj.weight'], p['attn.proj.bias']);
  };
  const loss = (): Tensor => {
    const h1 = tf.add(x, attention(layerNorm(x, p['ln1.weight'], p['ln1.bias'])));
    const inner = gelu(linear(layerNorm(h1, p['ln2.weight'], p['ln2.bias']), p['mlp.fc1.weight'], p['mlp.fc1.bias']));
    const out = tf.add(h1, linear(inner, p['mlp.fc2.weight'], p['mlp.fc2.bias']));
    return tf.mean(tf.square(out));
  };

  return {
    run: () => void trainStep(loss, params, opt),
    exportState: () => ({ params: exportAll(p), inputs: exportAll({ x }) }),
    reference: () => trainReference(loss, params, opt),
    dispose: () => {
      opt.dispose();
      tf.dispose([...params, x, mask]);
    },
  };
}
