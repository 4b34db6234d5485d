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
import type { HookedTransformer, ForwardHook, HookContext } from '../nn/transformer/index.js';
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

  /** Mask tensors [K, ...group shape] for patchedForwardVariants from K flat masks over all edges. */
  variantMaskTensors(flats: readonly Float32Array[]): Tensor[] {
    const bad = flats.findIndex((f) => f.length !== this.graph.edgeCount);
    if (bad >= 0) throw new Error(`mask ${bad} has ${flats[bad].length} entries, the graph has ${this.graph.edgeCount} edges`);
    return this.graph.groups.map((g) => {
      const data = new Float32Array(flats.length * g.size);
      flats.forEach((f, k) => data.set(f.subarray(g.offset, g.offset + g.size), k * g.size));
      return tf.tensor(data, [flats.length, ...g.shape]);
    });
  }

  /** Flat values over all edges from per-group tensors (e.g. mask gradients). */
  flatten(perGroup: readonly Tensor[]): Float32Array {
    const out = new Float32Array(this.graph.edgeCount);
    this.graph.groups.forEach((g, i) => out.set(perGroup[i].dataSync() as Float32Array, g.offset));
    return out;
  }

  /**
   * Patch activations [S, batch, pos, d] split into per-block tensors in the layout the patched
   * forward pass uses ([batch*pos, k, d] for Resid Start, each block's heads, each MLP). Prepare
   * once and reuse across passes (curves, integrated-gradient steps); the caller disposes.
   */
  preparePatch(patch: Tensor): PatchValues {
    const S = this.graph.sources.length;
    if (patch.rank !== 4 || patch.shape[0] !== S || patch.shape[3] !== this.cfg.dModel) {
      throw new Error(`patch activations have shape [${patch.shape.join(', ')}], expected [${S}, batch, pos, ${this.cfg.dModel}] (sources, batch, pos, dModel)`);
    }
    const [, b, p, d] = patch.shape as [number, number, number, number];
    const blocks = tf.tidy(() => {
      const out: Tensor[] = [];
      let row = 0;
      for (const count of this.sourceBlockSizes()) {
        const rows = tf.slice(patch, [row, 0, 0, 0], [count, b, p, d]);
        out.push(count === 1 ? tf.reshape(rows, [b * p, 1, d]) : tf.reshape(tf.transpose(rows, [1, 2, 0, 3]), [b * p, count, d]));
        row += count;
      }
      return out;
    });
    return new PatchValues(blocks, b, p);
  }

  /** Sources per block, in order: Resid Start, then each block's heads and MLP. */
  private sourceBlockSizes(): number[] {
    const sizes = [1];
    for (let L = 0; L < this.cfg.nLayers; L++) sizes.push(this.cfg.nHeads, ...(this.cfg.attnOnly ? [] : [1]));
    return sizes;
  }

  /**
   * Logits of a run on `tokens` where each edge carries  mask * patch + (1 - mask) * current.
   * `patch` is [S, batch, pos, d] or prepared (preparePatch); `masks` are per-group tensors (see
   * maskTensors). Differentiable with respect to `masks`.
   */
  patchedForward(tokens: Tokens, patch: Tensor | PatchValues, masks: readonly Tensor[]): Tensor {
    return this.patchedRun(tokens, patch, masks, null);
  }

  /**
   * K edge sets in one pass (edge graph only): each mask tensor is [K, ...group shape], and the
   * prompts run once per set, variant-major, giving logits [K * batch, pos, vocab]. Used to
   * evaluate several candidate circuits at once (ACDC).
   */
  patchedForwardVariants(tokens: Tokens, patch: Tensor | PatchValues, masks: readonly Tensor[], start?: LayerStart): Tensor {
    if (this.graph.level !== 'edge') throw new Error('patchedForwardVariants needs the edge graph');
    const K = masks[0]?.shape[0];
    if (!K) throw new Error('patchedForwardVariants: the masks need a leading variant axis of size >= 1');
    return this.patchedRun(tokens, patch, masks, K, start ?? null);
  }

  /**
   * What a patched pass that starts at a later layer reuses from the unpatched run on `tokens`:
   * each block's input residual stream and the source differences (patch - current). Valid for
   * edge sets that patch no edge into an earlier layer (see startAt); the caller disposes it.
   */
  unpatchedPrefix(tokens: Tokens, patch: PatchValues): UnpatchedPrefix {
    if (this.graph.level !== 'edge') throw new Error('unpatchedPrefix needs the edge graph');
    const names = Array.from({ length: this.cfg.nLayers }, (_, L) => `blocks.${L}.hook_resid_pre`);
    const { logits, cache } = this.model.runWithCache(tokens, { names: [...new Set([...names, ...this.sourceHooks()])] });
    logits.dispose();
    try {
      const current = tf.tidy(() => {
        const parts = this.sourceHooks().map((n) => {
          const a = cache.get(n)!;
          return a.rank === 4 ? tf.transpose(a, [2, 0, 1, 3]) : tf.expandDims(a, 0);
        });
        return tf.concat(parts, 0);
      });
      const currentBlocks = this.preparePatch(current);
      current.dispose();
      const residPre = names.map((n) => tf.keep(tf.clone(cache.get(n)!)));
      return new UnpatchedPrefix(this, residPre, patch, currentBlocks);
    } finally {
      for (const t of cache.values()) t.dispose();
    }
  }

  private patchedRun(tokens: Tokens, patch: Tensor | PatchValues, masks: readonly Tensor[], variants: number | null, start: LayerStart | null = null): Tensor {
    const values = patch instanceof PatchValues ? patch : this.preparePatch(patch);
    let tiled: PatchValues | null = null;
    try {
      const batch = tokens.length;
      const seq = tokens[0]?.length ?? 0;
      if (values.batch !== batch || values.seq !== seq) throw new Error(`patch activations are for batch ${values.batch} x ${values.seq} positions, the tokens are ${batch} x ${seq}`);
      if (masks.length !== this.graph.groups.length) throw new Error(`expected ${this.graph.groups.length} mask tensors, got ${masks.length}`);
      masks.forEach((m, i) => {
        const shape = variants === null ? this.graph.groups[i].shape : [variants, ...this.graph.groups[i].shape];
        if (!tf.util.arraysEqual(m.shape, shape)) throw new Error(`mask ${i} (${this.graph.groups[i].hook}) has shape [${m.shape.join(', ')}], expected [${shape.join(', ')}]`);
      });
      if (this.graph.seqLen !== null && seq !== this.graph.seqLen) throw new Error(`the graph has per-position edges for ${this.graph.seqLen} positions, the prompts have ${seq}`);
      if (variants === null) {
        const fwd = this.graph.level === 'edge' ? this.edgeHooks(values, masks, 1) : this.nodeHooks(values, masks);
        return this.model.runWithHooks(tokens, { fwd });
      }
      // Patch values once per variant (only the blocks the pass reads when it starts later).
      const firstBlock = start ? sourceBlocksBefore(this.cfg, start.layer) : 0;
      const repeat = (t: Tensor) => (variants === 1 ? t : tf.tile(t, [variants, 1, 1]));
      const created = variants === 1 ? [] : values.blocks.slice(firstBlock).map(repeat);
      tiled = new PatchValues(variants === 1 ? [] : created, batch * variants, seq);
      const blocks = variants === 1 ? values.blocks : [...values.blocks.slice(0, firstBlock), ...created];
      const P = new PatchValues(blocks, batch * variants, seq);
      if (start) {
        this.checkStart(start, masks, batch, seq);
        return tf.tidy(() => {
          const fwd = this.edgeHooks(P, masks, variants, { layer: start.layer, differences: repeat(start.differences) });
          return this.model.runFromLayer(start.layer, repeat(start.residPre), { hooks: { fwd } }).logits;
        });
      }
      const all: Tokens = Array.from({ length: variants }, () => tokens).flat();
      return this.model.runWithHooks(all, { fwd: this.edgeHooks(P, masks, variants) });
    } finally {
      tiled?.dispose();
      if (values !== patch) values.dispose();
    }
  }

  /** A start must match the prompts, and no edge into a layer before it may be patched. */
  private checkStart(start: LayerStart, masks: readonly Tensor[], batch: number, seq: number): void {
    if (start.residPre.shape[0] !== batch || start.residPre.shape[1] !== seq) throw new Error(`the layer start is for batch ${start.residPre.shape[0]} x ${start.residPre.shape[1]} positions, the tokens are ${batch} x ${seq}`);
    const earlier = this.graph.groups.map((g, i) => ({ g, i })).filter(({ g }) => layerOfGroup(g.hook) < start.layer);
    if (!earlier.length) return;
    const patchedBefore = tf.tidy(() => tf.addN(earlier.map(({ i }) => tf.sum(tf.abs(masks[i])))).dataSync()[0]);
    if (patchedBefore !== 0) throw new Error(`a pass starting at layer ${start.layer} cannot patch edges into earlier layers (their masks are not all zero)`);
  }

  /**
   * Hooks of an edge-patched pass; with `variants` K > 1, masks are [K, ...] and P's batch is K x
   * the prompts. With `start`, the pass begins at start.layer with the differences of every
   * earlier source already stacked.
   */
  private edgeHooks(P: PatchValues, masks: readonly Tensor[], variants: number, start?: { layer: number; differences: Tensor }): Record<string, ForwardHook> {
    // Source differences are kept position-major, [b*p, sources, d], the layout in which head
    // results arrive ([b, p, h, d]) and destinations want their inputs, so no transposes per layer.
    // One concatenation per block. Each block's attention does ONE product over every source
    // before it, for all its destination columns (Q, K and V heads, or whole-input heads) plus the
    // MLP's rows for those sources; the MLP then adds only its own block's heads.
    const { b, p } = { b: P.batch, p: P.seq };
    const { dModel: d, nLayers, nHeads: h } = this.cfg;
    const bp = b * p;
    // Differences of every source before the current block live in the pass's store, which the
    // model keeps across blocks (every other intermediate is freed when its block is done).
    const STACKED = 'circuits.sourceDifferences';
    const stackedIn = (ctx: HookContext) => ctx.store.get(STACKED) as Tensor;
    let block: Tensor[] = []; // differences of the current block's sources so far
    const first = start?.layer ?? 0;
    let next = sourceBlocksBefore(this.cfg, first); // P.blocks index of the next source block
    const addSource = (cur: Tensor, count: number) => {
      block.push(tf.sub(P.blocks[next++], tf.reshape(cur, [bp, count, d])));
    };
    const closeBlock = (ctx: HookContext) => {
      const earlier = ctx.store.get(STACKED) as Tensor | undefined;
      ctx.store.set(STACKED, earlier ? tf.concat([earlier, ...block], 1) : block.length === 1 ? block[0] : tf.concat(block, 1));
      block = [];
    };
    const perPos = this.graph.seqLen !== null;
    // delta [b, p, cols, d] = sum_s mask[(variant,) (pos,) s, col] * diff[b, p, s, d]: one batched
    // product, each variant's mask applying to its own b / variants prompts. (The mask is broadcast
    // explicitly: tfjs's matMul gradient does not reduce broadcast batch dims.)
    const K = variants;
    const b0 = b / K;
    const product = (mask: Tensor, D: Tensor): Tensor => {
      const s = D.shape[1] as number;
      const cols = mask.shape[mask.rank - 1] as number;
      // Broadcast as rank 3 (tfjs has no tile gradient above rank 4).
      if (!perPos) {
        const M = tf.reshape(tf.broadcastTo(tf.reshape(mask, [K, 1, s * cols]), [K, b0 * p, s * cols]), [bp, s, cols]);
        return tf.reshape(tf.matMul(M, D, true, false), [b, p, cols, d]);
      }
      const M = tf.reshape(tf.broadcastTo(tf.reshape(mask, [K, 1, p * s * cols]), [K, b0, p * s * cols]), [b, p, s, cols]);
      return tf.matMul(M, tf.reshape(D, [b, p, s, d]), true, false);
    };
    /** Rows [from, from + n) of a mask, on its source axis (the second last). */
    const rows = (mask: Tensor, from: number, n: number) => {
      const begin = mask.shape.map(() => 0);
      const size = mask.shape.map(() => -1);
      begin[mask.rank - 2] = from;
      size[mask.rank - 2] = n;
      return tf.slice(mask, begin, size);
    };
    const fwd: Record<string, ForwardHook> = {};
    if (start) {
      // A clone: the store frees what it holds once replaced, and the caller owns `differences`.
      fwd[`blocks.${first}.hook_resid_pre`] = (_a, ctx) => void ctx.store.set(STACKED, tf.clone(start.differences));
    } else {
      fwd['blocks.0.hook_resid_pre'] = (a, ctx) => {
        addSource(a, 1);
        closeBlock(ctx);
      };
    }
    let g = this.graph.groups.findIndex((grp) => layerOfGroup(grp.hook) >= first);
    for (let L = first; L < nLayers; L++) {
      const attnMask = masks[g++];
      const mlpMask = this.cfg.attnOnly ? null : masks[g++];
      const attnCols = attnMask.shape[attnMask.rank - 1] as number;
      // This block's input deltas from earlier sources, [b, p, h, d] per attention input kind
      // (+ [b, p, 1, d] for the MLP), computed by the first attention input hook of the pass.
      let deltas: Tensor[] | null = null;
      const earlierDeltas = (ctx: HookContext): Tensor[] => {
        if (!deltas) {
          const stacked = stackedIn(ctx);
          const before = stacked.shape[1] as number;
          const cols = mlpMask ? tf.concat([attnMask, rows(mlpMask, 0, before)], -1) : attnMask;
          const sizes = [...Array(attnCols / h).fill(h), ...(mlpMask ? [1] : [])];
          const all = product(cols, stacked);
          deltas = sizes.length === 1 ? [all] : tf.split(all, sizes, 2);
        }
        return deltas;
      };
      if (this.graph.separateQkv) {
        (['q', 'k', 'v'] as const).forEach((c, i) => {
          fwd[`blocks.${L}.hook_${c}_input`] = (a, ctx) => tf.add(a, earlierDeltas(ctx)[i]);
        });
      } else {
        fwd[`blocks.${L}.hook_attn_in`] = (a, ctx) => tf.add(a, earlierDeltas(ctx)[0]);
      }
      fwd[`blocks.${L}.attn.hook_result`] = (a, ctx) => {
        addSource(a, h);
        if (this.cfg.attnOnly) closeBlock(ctx);
      };
      if (mlpMask) {
        fwd[`blocks.${L}.hook_mlp_in`] = (a, ctx) => {
          const fromEarlier = earlierDeltas(ctx)[attnCols / h];
          const before = stackedIn(ctx).shape[1] as number;
          const fromHeads = product(rows(mlpMask, before, h), block[0]);
          return tf.add(a, tf.reshape(tf.add(fromEarlier, fromHeads), [b, p, d]));
        };
        fwd[`blocks.${L}.hook_mlp_out`] = (a, ctx) => {
          addSource(a, 1);
          closeBlock(ctx);
        };
      }
    }
    const endMask = masks[g++];
    fwd[`blocks.${nLayers - 1}.hook_resid_post`] = (a, ctx) => tf.add(a, tf.reshape(product(endMask, stackedIn(ctx)), [b, p, d]));
    return fwd;
  }

  private nodeHooks(P: PatchValues, masks: readonly Tensor[]): Record<string, ForwardHook> {
    const perPos = this.graph.seqLen !== null;
    const p = P.seq;
    let g = 0;
    const fwd: Record<string, ForwardHook> = {};
    const replace = (name: string, count: number) => {
      const mask = masks[g];
      const values = P.blocks[g++];
      fwd[name] = (a) => {
        const Pa = tf.reshape(values, a.shape);
        // mask [1, count] or [p, 1, count] -> broadcastable to a.
        const m = perPos ? tf.reshape(mask, count === 1 ? [1, p, 1] : [1, p, count, 1]) : tf.reshape(mask, count === 1 ? [1, 1, 1] : [1, 1, count, 1]);
        return tf.add(a, tf.mul(m, tf.sub(Pa, a)));
      };
    };
    replace('blocks.0.hook_resid_pre', 1);
    for (let L = 0; L < this.cfg.nLayers; L++) {
      replace(`blocks.${L}.attn.hook_result`, this.cfg.nHeads);
      if (!this.cfg.attnOnly) replace(`blocks.${L}.hook_mlp_out`, 1);
    }
    return fwd;
  }
}

/** Source blocks (Resid Start, then each block's heads and MLP) before block `layer`: the index of its first in PatchValues.blocks. */
function sourceBlocksBefore(cfg: { attnOnly: boolean }, layer: number): number {
  return layer === 0 ? 0 : 1 + layer * (cfg.attnOnly ? 1 : 2);
}

/** Block index of a mask group's hook ("blocks.3.hook_mlp_in" -> 3). */
function layerOfGroup(hook: string): number {
  return Number(/^blocks\.(\d+)\./.exec(hook)![1]);
}

/** Where a patched pass starts: a layer, its input residual stream, the earlier sources' differences. */
export interface LayerStart {
  layer: number;
  /** blocks.{layer}.hook_resid_pre of the unpatched run [batch, pos, d]. */
  residPre: Tensor;
  /** Patch minus current activations of every source before `layer`, [batch * pos, sources, d]. */
  differences: Tensor;
}

/** The unpatched run's activations that passes starting at a later layer reuse (see PatchableModel.unpatchedPrefix). */
export class UnpatchedPrefix {
  private start: LayerStart | null = null;

  constructor(private readonly pm: PatchableModel, private readonly residPre: Tensor[], private readonly patch: PatchValues, private readonly current: PatchValues) {}

  /**
   * The start at `layer` (1 .. nLayers - 1). One start is kept at a time: asking for another
   * layer frees the previous one (discovery moves through the layers in order).
   */
  startAt(layer: number): LayerStart {
    const { nLayers } = this.pm.cfg;
    if (!Number.isInteger(layer) || layer < 1 || layer >= nLayers) throw new Error(`startAt: layer must be an integer in [1, ${nLayers - 1}], got ${layer}`);
    if (this.start?.layer !== layer) {
      this.start?.differences.dispose();
      const blocks = sourceBlocksBefore(this.pm.cfg, layer);
      const differences = tf.tidy(() => tf.concat(this.patch.blocks.slice(0, blocks).map((P, i) => tf.sub(P, this.current.blocks[i])), 1));
      this.start = { layer, residPre: this.residPre[layer], differences: tf.keep(differences) };
    }
    return this.start;
  }

  dispose(): void {
    this.residPre.forEach((t) => t.dispose());
    this.current.dispose();
    this.start?.differences.dispose();
    this.start = null;
  }
}

/** Patch activations split by source block (see PatchableModel.preparePatch). */
export class PatchValues {
  constructor(readonly blocks: Tensor[], readonly batch: number, readonly seq: number) {}

  dispose(): void {
    for (const t of this.blocks) t.dispose();
  }
}
