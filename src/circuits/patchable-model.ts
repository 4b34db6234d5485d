// A HookedTransformer seen as a circuit graph, patched purely through its hook points.
//
// Sources are read at blocks.0.hook_resid_pre (Resid Start), blocks.L.attn.hook_result (heads)
// and blocks.L.hook_mlp_out. Edge graph: each destination input (blocks.L.hook_q/k/v_input or
// hook_attn_in per head, blocks.L.hook_mlp_in, and the last block's hook_resid_post for Resid
// End) gets  sum_s mask[s, dest] * (patch_s - current_s)  added, computed with one matrix
// product per destination hook over the stacked source differences. Because the residual
// stream is the sum of the source outputs, this replaces exactly the contribution of each masked
// edge; every edge set is patched in one forward pass, and the masks are ordinary tensors, so one
// backward pass gives the gradient of a metric with respect to every edge mask.
// Node graph: each source output is replaced by  current + mask * (patch - current).
//
// Stacked source activations have layout [S, batch, pos, dModel] in source order.
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { HookedTransformer, HookSpec, ForwardHook } from '../nn/transformer/index.js';
import { CircuitGraph, type GraphOptions } from './graph.js';

export type Tokens = readonly (readonly number[])[];

export class PatchableModel {
  readonly graph: CircuitGraph;

  constructor(readonly model: HookedTransformer, options: GraphOptions = {}) {
    this.graph = new CircuitGraph(model.cfg, options);
  }

  get cfg() {
    return this.model.cfg;
  }

  /** Hook names of the source outputs, in source order of blocks. */
  sourceHooks(): string[] {
    const names = ['blocks.0.hook_resid_pre'];
    for (let L = 0; L < this.cfg.nLayers; L++) {
      names.push(`blocks.${L}.attn.hook_result`);
      if (!this.cfg.attnOnly) names.push(`blocks.${L}.hook_mlp_out`);
    }
    return names;
  }

  /** Logits [batch, pos, vocab] of the unpatched model. */
  forward(tokens: Tokens): Tensor {
    return this.model.forward(tokens);
  }

  /** Logits and stacked source outputs [S, batch, pos, d] of an unpatched run. */
  runWithSources(tokens: Tokens): { logits: Tensor; sources: Tensor } {
    const { logits, cache } = this.model.runWithCache(tokens, { names: this.sourceHooks() });
    try {
      const sources = tf.tidy(() => {
        const parts: Tensor[] = [];
        for (const name of this.sourceHooks()) {
          const a = cache.get(name)!;
          parts.push(a.rank === 4 ? tf.transpose(a, [2, 0, 1, 3]) : tf.expandDims(a, 0));
        }
        return tf.concat(parts, 0);
      });
      return { logits, sources };
    } finally {
      for (const t of cache.values()) t.dispose();
    }
  }

  /** Stacked source outputs [S, batch, pos, d] of an unpatched run. */
  sourceActivations(tokens: Tokens): Tensor {
    const { logits, sources } = this.runWithSources(tokens);
    logits.dispose();
    return sources;
  }

  /** Mask tensors (one per mask group, in the group's shape) from a flat mask over all edges. */
  maskTensors(flat: Float32Array): Tensor[] {
    if (flat.length !== this.graph.edgeCount) throw new Error(`mask has ${flat.length} entries, the graph has ${this.graph.edgeCount} edges`);
    return this.graph.groups.map((g) => tf.tensor(flat.subarray(g.offset, g.offset + g.size), g.shape));
  }

  /** Flat values over all edges from per-group tensors (e.g. mask gradients). */
  flatten(perGroup: readonly Tensor[]): Float32Array {
    const out = new Float32Array(this.graph.edgeCount);
    this.graph.groups.forEach((g, i) => out.set(perGroup[i].dataSync() as Float32Array, g.offset));
    return out;
  }

  /**
   * Logits of a run on `tokens` where each edge carries  mask * patch + (1 - mask) * current.
   * `patch` is [S, batch, pos, d]; `masks` are per-group tensors (see maskTensors). Differentiable
   * with respect to `masks` and `patch`.
   */
  patchedForward(tokens: Tokens, patch: Tensor, masks: readonly Tensor[]): Tensor {
    const batch = tokens.length;
    const seq = tokens[0]?.length ?? 0;
    const { dModel: d, nLayers, nHeads } = this.cfg;
    const S = this.graph.sources.length;
    const want = [S, batch, seq, d];
    if (!tf.util.arraysEqual(patch.shape, want)) throw new Error(`patch activations have shape [${patch.shape.join(', ')}], expected [${want.join(', ')}] (sources, batch, pos, dModel)`);
    if (masks.length !== this.graph.groups.length) throw new Error(`expected ${this.graph.groups.length} mask tensors, got ${masks.length}`);
    masks.forEach((m, i) => {
      if (!tf.util.arraysEqual(m.shape, this.graph.groups[i].shape)) throw new Error(`mask ${i} (${this.graph.groups[i].hook}) has shape [${m.shape.join(', ')}], expected [${this.graph.groups[i].shape.join(', ')}]`);
    });
    if (this.graph.seqLen !== null && seq !== this.graph.seqLen) throw new Error(`the graph has per-position edges for ${this.graph.seqLen} positions, the prompts have ${seq}`);
    const fwd = this.graph.level === 'edge' ? this.edgeHooks(patch, masks, batch, seq, d, nLayers, nHeads) : this.nodeHooks(patch, masks, nHeads);
    return this.model.runWithHooks(tokens, { fwd });
  }

  private edgeHooks(patch: Tensor, masks: readonly Tensor[], b: number, p: number, d: number, nLayers: number, h: number): Record<string, ForwardHook> {
    // Source differences are kept position-major, [b*p, sources, d], the layout in which head
    // results arrive ([b, p, h, d]) and destinations want their inputs, so no transposes per layer.
    const bp = b * p;
    const P = sourceMajorToPositionMajor(patch);
    const diffs: Tensor[] = [];
    let stacked: Tensor | null = null;
    let row = 0;
    const addSource = (cur: Tensor, count: number) => {
      diffs.push(tf.sub(tf.slice(P, [0, row, 0], [bp, count, d]), tf.reshape(cur, [bp, count, d])));
      row += count;
      stacked = null;
    };
    const stack = (): Tensor => {
      if (!stacked) stacked = diffs.length === 1 ? diffs[0] : tf.concat(diffs, 1);
      return stacked;
    };
    const perPos = this.graph.seqLen !== null;
    // delta [b, p, cols, d] = sum_s mask[(pos,) s, col] * diff[b, p, s, d]: one batched product.
    // (The mask is broadcast explicitly: tfjs's matMul gradient does not reduce broadcast batch dims.)
    const delta = (mask: Tensor): Tensor => {
      const D = stack();
      const s = D.shape[1] as number;
      const cols = mask.shape[mask.rank - 1] as number;
      if (!perPos) return tf.reshape(tf.matMul(tf.broadcastTo(tf.reshape(mask, [1, s, cols]), [bp, s, cols]), D, true, false), [b, p, cols, d]);
      const M = tf.broadcastTo(tf.reshape(mask, [1, p, s, cols]), [b, p, s, cols]);
      return tf.matMul(M, tf.reshape(D, [b, p, s, d]), true, false);
    };
    const fwd: Record<string, ForwardHook> = {};
    fwd['blocks.0.hook_resid_pre'] = (a) => void addSource(a, 1);
    let g = 0;
    for (let L = 0; L < nLayers; L++) {
      const attnMask = masks[g++];
      if (this.graph.separateQkv) {
        // One product per input kind, on the mask's Q, K or V columns (slicing the small mask
        // rather than the [b, p, 3h, d] result).
        const part = (i: number) => (a: Tensor) => tf.add(a, delta(tf.slice(attnMask, perPos ? [0, 0, i * h] : [0, i * h], perPos ? [-1, -1, h] : [-1, h])));
        fwd[`blocks.${L}.hook_q_input`] = part(0);
        fwd[`blocks.${L}.hook_k_input`] = part(1);
        fwd[`blocks.${L}.hook_v_input`] = part(2);
      } else {
        fwd[`blocks.${L}.hook_attn_in`] = (a) => tf.add(a, delta(attnMask));
      }
      fwd[`blocks.${L}.attn.hook_result`] = (a) => void addSource(a, h);
      if (!this.cfg.attnOnly) {
        const mlpMask = masks[g++];
        fwd[`blocks.${L}.hook_mlp_in`] = (a) => tf.add(a, tf.reshape(delta(mlpMask), [b, p, d]));
        fwd[`blocks.${L}.hook_mlp_out`] = (a) => void addSource(a, 1);
      }
    }
    const endMask = masks[g++];
    fwd[`blocks.${nLayers - 1}.hook_resid_post`] = (a) => tf.add(a, tf.reshape(delta(endMask), [b, p, d]));
    return fwd;
  }

  private nodeHooks(patch: Tensor, masks: readonly Tensor[], h: number): Record<string, ForwardHook> {
    const perPos = this.graph.seqLen !== null;
    const [, b, p, d] = patch.shape as [number, number, number, number];
    const P = sourceMajorToPositionMajor(patch);
    let row = 0;
    let g = 0;
    const fwd: Record<string, ForwardHook> = {};
    const replace = (name: string, count: number) => {
      const mask = masks[g++];
      const first = row;
      row += count;
      fwd[name] = (a) => {
        const Pa = tf.reshape(tf.slice(P, [0, first, 0], [b * p, count, d]), a.shape);
        // mask [1, count] or [p, 1, count] -> broadcastable to a.
        const m = perPos ? tf.reshape(mask, count === 1 ? [1, p, 1] : [1, p, count, 1]) : tf.reshape(mask, count === 1 ? [1, 1, 1] : [1, 1, count, 1]);
        return tf.add(a, tf.mul(m, tf.sub(Pa, a)));
      };
    };
    replace('blocks.0.hook_resid_pre', 1);
    for (let L = 0; L < this.cfg.nLayers; L++) {
      replace(`blocks.${L}.attn.hook_result`, h);
      if (!this.cfg.attnOnly) replace(`blocks.${L}.hook_mlp_out`, 1);
    }
    return fwd;
  }
}

/** [S, b, p, d] -> [b*p, S, d]. */
function sourceMajorToPositionMajor(t: Tensor): Tensor {
  const [S, b, p, d] = t.shape as [number, number, number, number];
  return tf.reshape(tf.transpose(t, [1, 2, 0, 3]), [b * p, S, d]);
}
