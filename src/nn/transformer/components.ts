// The parts of a HookedTransformer, with TransformerLens's parameter names and layouts:
// embed.W_E [vocab, d_model], pos_embed.W_pos [n_ctx, d_model], blocks.{L}.ln1.w/b,
// blocks.{L}.attn.W_Q/W_K/W_V [head, d_model, d_head], b_Q/b_K/b_V [head, d_head],
// W_O [head, d_head, d_model], b_O [d_model], blocks.{L}.mlp.W_in [d_model, d_mlp], b_in,
// W_out [d_mlp, d_model], b_out, ln_final.w/b, unembed.W_U [d_model, vocab], b_U [vocab].
// Every activation passes through a named hook point of the run (see hooks.ts).
import { tf } from '../../engine/tfjs.js';
import type { Tensor, Variable } from '../../engine/tfjs.js';
import type { Rng } from '../../engine/rng.js';
import { Module } from '../module.js';
import { normal, ones, zeros } from '../init.js';
import type { ActivationFn } from '../activations.js';
import { activationFor, type TransformerConfig } from './config.js';
import type { HookRun } from './hooks.js';
import { nativeLayerNorm } from '../../engine/native/fused-ops.js';
import type { KvCache } from './kv-cache.js';

/** Draws a weight matrix: N(0, initStd) for a fresh model, zeros when weights will be loaded. */
export type ParamInit = (rng: Rng, shape: number[]) => Tensor;

export function weightInit(cfg: TransformerConfig, random: boolean): ParamInit {
  return random ? (rng, shape) => normal(rng, shape, cfg.initStd) : (_rng, shape) => zeros(shape);
}

/**
 * Rows `ids` (int32, 1-D) of `table`. Same as tf.gather, but its gradient is a plain scatter-add
 * of the incoming rows into a zero table: tfjs's gather gradient (unsortedSegmentSum) loops over
 * every row of the table with tensor ops, which takes seconds for a large vocabulary.
 */
export function embeddingLookup(table: Tensor, ids: Tensor): Tensor {
  const [rows, width] = table.shape as [number, number];
  const op = tf.customGrad(((w: Tensor, idx: Tensor, save: (ts: Tensor[]) => void) => {
    save([idx]);
    return {
      value: tf.gather(w, idx),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const index = saved[0].dataSync();
        const g = dy.dataSync();
        const out = new Float32Array(rows * width);
        for (let i = 0; i < index.length; i++) {
          const src = i * width;
          const dst = index[i] * width;
          for (let j = 0; j < width; j++) out[dst + j] += g[src + j];
        }
        return [tf.tensor2d(out, [rows, width]), tf.zerosLike(saved[0])];
      },
    };
  }) as never) as (w: Tensor, idx: Tensor) => Tensor;
  return op(table, ids);
}

/** Per-forward facts every block needs. */
export interface BlockInputs {
  run: HookRun;
  /** Additive attention mask [batch or 1, 1, query, key]: 0 where allowed, -Infinity elsewhere. */
  mask: Tensor;
  /** Rotary tables [batch or 1, pos, 1, rotaryDim], when rotary embeddings are used. */
  rotary: { cos: Tensor; sin: Tensor } | null;
  kv: KvCache | null;
}

export class HookedLayerNorm extends Module {
  readonly w: Variable | null;
  readonly b: Variable | null;

  constructor(private readonly cfg: TransformerConfig) {
    super();
    const learned = cfg.normalizationType === 'LN';
    this.w = learned ? this.registerParameter('w', ones([cfg.dModel])) : null;
    this.b = learned ? this.registerParameter('b', zeros([cfg.dModel])) : null;
  }

  /** Normalises over the last axis; `prefix` is e.g. `blocks.0.ln1`. */
  forward(x: Tensor, run: HookRun, prefix: string): Tensor {
    if (this.cfg.normalizationType === null) return x;
    if (this.w && this.b && !run.observes(`${prefix}.hook_scale`)) {
      // One fused kernel when nothing needs the scale as a separate activation.
      const fused = nativeLayerNorm(x, this.w, this.b, this.cfg.dModel, this.cfg.eps);
      if (fused) return run.point(`${prefix}.hook_normalized`, fused);
    }
    const centered = tf.sub(x, tf.mean(x, -1, true));
    const scale = run.point(`${prefix}.hook_scale`, tf.sqrt(tf.add(tf.mean(tf.square(centered), -1, true), this.cfg.eps)));
    let y = tf.div(centered, scale);
    if (this.w && this.b) y = tf.add(tf.mul(y, this.w), this.b);
    return run.point(`${prefix}.hook_normalized`, y);
  }
}

/** x [b, p, d] @ W [h, d, e] -> [b, p, h, e], with W rearranged to one [d, h*e] matrix. */
function projectShared(x: Tensor, w: Tensor): Tensor {
  const [b, p, d] = x.shape;
  const [h, , e] = w.shape as [number, number, number];
  const w2 = tf.reshape(tf.transpose(w, [1, 0, 2]), [d, h * e]);
  return tf.reshape(tf.matMul(tf.reshape(x, [b * p, d]), w2), [b, p, h, e]);
}

/** x [b, p, h, d] @ W [h, d, e] per head -> [b, p, h, e]. */
function projectPerHead(x: Tensor, w: Tensor): Tensor {
  const [b, p, h, d] = x.shape as [number, number, number, number];
  const e = w.shape[2] as number;
  const xh = tf.reshape(tf.transpose(x, [2, 0, 1, 3]), [h, b * p, d]);
  return tf.transpose(tf.reshape(tf.matMul(xh, w), [h, b, p, e]), [1, 2, 0, 3]);
}

/** Rotate-half rotary embedding of the first rotaryDim features of x [b, p, h, e]. */
function applyRotary(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const e = x.shape[3] as number;
  const r = cos.shape[3] as number;
  const rot = r === e ? x : tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, r]);
  const [x1, x2] = tf.split(rot, 2, 3);
  const rotated = tf.add(tf.mul(rot, cos), tf.mul(tf.concat([tf.neg(x2), x1], 3), sin));
  return r === e ? rotated : tf.concat([rotated, tf.slice(x, [0, 0, 0, r], [-1, -1, -1, e - r])], 3);
}

export class Attention extends Module {
  readonly W_Q: Variable;
  readonly W_K: Variable;
  readonly W_V: Variable;
  readonly W_O: Variable;
  readonly b_Q: Variable;
  readonly b_K: Variable;
  readonly b_V: Variable;
  readonly b_O: Variable;

  constructor(private readonly cfg: TransformerConfig, rng: Rng, init: ParamInit) {
    super();
    const { nHeads: h, dModel: d, dHead: e } = cfg;
    this.W_Q = this.registerParameter('W_Q', init(rng, [h, d, e]));
    this.W_K = this.registerParameter('W_K', init(rng, [h, d, e]));
    this.W_V = this.registerParameter('W_V', init(rng, [h, d, e]));
    this.W_O = this.registerParameter('W_O', init(rng, [h, e, d]));
    this.b_Q = this.registerParameter('b_Q', zeros([h, e]));
    this.b_K = this.registerParameter('b_K', zeros([h, e]));
    this.b_V = this.registerParameter('b_V', zeros([h, e]));
    this.b_O = this.registerParameter('b_O', zeros([d]));
  }

  /**
   * Inputs are [b, p, d] (shared by every head) or [b, p, h, d] (per head, from split inputs).
   * Returns the attention output [b, p, d].
   */
  forward(qIn: Tensor, kIn: Tensor, vIn: Tensor, io: BlockInputs, layer: number): Tensor {
    const { run } = io;
    const prefix = `blocks.${layer}.attn`;
    const project = (x: Tensor, w: Tensor, bias: Tensor) => tf.add(x.rank === 3 ? projectShared(x, w) : projectPerHead(x, w), bias);
    let q = run.point(`${prefix}.hook_q`, project(qIn, this.W_Q, this.b_Q));
    let k = run.point(`${prefix}.hook_k`, project(kIn, this.W_K, this.b_K));
    const v = run.point(`${prefix}.hook_v`, project(vIn, this.W_V, this.b_V));
    if (io.rotary) {
      q = run.point(`${prefix}.hook_rot_q`, applyRotary(q, io.rotary.cos, io.rotary.sin));
      k = run.point(`${prefix}.hook_rot_k`, applyRotary(k, io.rotary.cos, io.rotary.sin));
    }
    const toHeads = (t: Tensor) => tf.transpose(t, [0, 2, 1, 3]);
    let kh = toHeads(k);
    let vh = toHeads(v);
    if (io.kv) ({ k: kh, v: vh } = io.kv.append(layer, kh, vh));
    // Scaling q ([b, h, p, e]) is cheaper than scaling the scores ([b, h, p, p]).
    const raw = tf.matMul(tf.mul(toHeads(q), 1 / Math.sqrt(this.cfg.dHead)), kh, false, true);
    const scores = run.point(`${prefix}.hook_attn_scores`, tf.add(raw, io.mask));
    const pattern = run.point(`${prefix}.hook_pattern`, tf.softmax(scores));
    const z = run.point(`${prefix}.hook_z`, toHeads(tf.matMul(pattern, vh)));
    const [b, p, h, e] = z.shape;
    const d = this.cfg.dModel;
    if (this.cfg.useAttnResult || run.wants(`${prefix}.hook_result`)) {
      const perHead = tf.matMul(tf.reshape(tf.transpose(z, [2, 0, 1, 3]), [h, b * p, e]), this.W_O);
      const result = run.point(`${prefix}.hook_result`, tf.transpose(tf.reshape(perHead, [h, b, p, d]), [1, 2, 0, 3]));
      return tf.add(tf.sum(result, 2), this.b_O);
    }
    const out = tf.matMul(tf.reshape(z, [b * p, h * e]), tf.reshape(this.W_O, [h * e, d]));
    return tf.add(tf.reshape(out, [b, p, d]), this.b_O);
  }
}

export class Mlp extends Module {
  readonly W_in: Variable;
  readonly b_in: Variable;
  readonly W_out: Variable;
  readonly b_out: Variable;
  private readonly act: ActivationFn;

  constructor(private readonly cfg: TransformerConfig, rng: Rng, init: ParamInit) {
    super();
    const { dModel: d, dMlp: m } = cfg;
    this.W_in = this.registerParameter('W_in', init(rng, [d, m]));
    this.b_in = this.registerParameter('b_in', zeros([m]));
    this.W_out = this.registerParameter('W_out', init(rng, [m, d]));
    this.b_out = this.registerParameter('b_out', zeros([d]));
    this.act = activationFor(cfg.actFn);
  }

  forward(x: Tensor, run: HookRun, layer: number): Tensor {
    const [b, p, d] = x.shape;
    const m = this.cfg.dMlp;
    const pre = run.point(`blocks.${layer}.mlp.hook_pre`, tf.reshape(tf.add(tf.matMul(tf.reshape(x, [b * p, d]), this.W_in), this.b_in), [b, p, m]));
    const post = run.point(`blocks.${layer}.mlp.hook_post`, this.act(pre));
    return tf.reshape(tf.add(tf.matMul(tf.reshape(post, [b * p, m]), this.W_out), this.b_out), [b, p, d]);
  }
}

export class TransformerBlock extends Module {
  readonly ln1: HookedLayerNorm;
  readonly attn: Attention;
  readonly ln2: HookedLayerNorm | null;
  readonly mlp: Mlp | null;

  constructor(private readonly cfg: TransformerConfig, private readonly layer: number, rng: Rng, init: ParamInit) {
    super();
    this.ln1 = this.registerModule('ln1', new HookedLayerNorm(cfg));
    this.attn = this.registerModule('attn', new Attention(cfg, rng.fork('attn'), init));
    this.ln2 = cfg.attnOnly ? null : this.registerModule('ln2', new HookedLayerNorm(cfg));
    this.mlp = cfg.attnOnly ? null : this.registerModule('mlp', new Mlp(cfg, rng.fork('mlp'), init));
  }

  forward(x: Tensor, io: BlockInputs): Tensor {
    const { run } = io;
    const L = this.layer;
    const pre = `blocks.${L}`;
    const residPre = run.point(`${pre}.hook_resid_pre`, x);
    const wantsSplit = this.cfg.useSplitQkvInput || ['q', 'k', 'v'].some((c) => run.wants(`${pre}.hook_${c}_input`));
    const wantsAttnIn = this.cfg.useAttnIn || run.wants(`${pre}.hook_attn_in`);
    if (wantsSplit && wantsAttnIn) throw new Error(`${pre}: hook_attn_in and hook_q/k/v_input cannot be used in the same run`);
    let attnOut: Tensor;
    if (wantsSplit || wantsAttnIn) {
      const [b, p, d] = residPre.shape;
      const perHead = tf.broadcastTo(tf.reshape(residPre, [b, p, 1, d]), [b, p, this.cfg.nHeads, d]);
      if (wantsSplit) {
        const input = (c: string) => this.ln1.forward(run.point(`${pre}.hook_${c}_input`, perHead), run, `${pre}.ln1`);
        const qIn = input('q');
        const kIn = input('k');
        const vIn = input('v');
        attnOut = this.attn.forward(qIn, kIn, vIn, io, L);
      } else {
        const attnIn = this.ln1.forward(run.point(`${pre}.hook_attn_in`, perHead), run, `${pre}.ln1`);
        attnOut = this.attn.forward(attnIn, attnIn, attnIn, io, L);
      }
    } else {
      const normalized = this.ln1.forward(residPre, run, `${pre}.ln1`);
      attnOut = this.attn.forward(normalized, normalized, normalized, io, L);
    }
    attnOut = run.point(`${pre}.hook_attn_out`, attnOut);
    if (!this.mlp || !this.ln2) return run.point(`${pre}.hook_resid_post`, tf.add(residPre, attnOut));
    const residMid = run.point(`${pre}.hook_resid_mid`, tf.add(residPre, attnOut));
    const mlpIn = run.point(`${pre}.hook_mlp_in`, residMid);
    const mlpOut = run.point(`${pre}.hook_mlp_out`, this.mlp.forward(this.ln2.forward(mlpIn, run, `${pre}.ln2`), run, L));
    return run.point(`${pre}.hook_resid_post`, tf.add(residMid, mlpOut));
  }
}

/** Names of every hook point of a model with this configuration, in forward order. */
export function hookNamesFor(cfg: TransformerConfig): string[] {
  const names = ['hook_embed'];
  if (cfg.positionalEmbeddingType === 'standard') names.push('hook_pos_embed');
  const ln = (p: string) => (cfg.normalizationType === null ? [] : [`${p}.hook_scale`, `${p}.hook_normalized`]);
  for (let L = 0; L < cfg.nLayers; L++) {
    const b = `blocks.${L}`;
    names.push(`${b}.hook_resid_pre`, `${b}.hook_attn_in`, `${b}.hook_q_input`, `${b}.hook_k_input`, `${b}.hook_v_input`, ...ln(`${b}.ln1`));
    names.push(`${b}.attn.hook_q`, `${b}.attn.hook_k`, `${b}.attn.hook_v`);
    if (cfg.positionalEmbeddingType === 'rotary') names.push(`${b}.attn.hook_rot_q`, `${b}.attn.hook_rot_k`);
    names.push(`${b}.attn.hook_attn_scores`, `${b}.attn.hook_pattern`, `${b}.attn.hook_z`, `${b}.attn.hook_result`, `${b}.hook_attn_out`);
    if (!cfg.attnOnly) {
      names.push(`${b}.hook_resid_mid`, `${b}.hook_mlp_in`, ...ln(`${b}.ln2`), `${b}.mlp.hook_pre`, `${b}.mlp.hook_post`, `${b}.hook_mlp_out`);
    }
    names.push(`${b}.hook_resid_post`);
  }
  names.push(...ln('ln_final'));
  return names;
}
