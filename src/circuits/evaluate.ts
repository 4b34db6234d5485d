// Running a circuit: prepared batches (base prompts, patch activations, full-model reference
// logits), metric values per prompt for an edge mask, and metric gradients with respect to every
// edge mask in one backward pass.
//
// Direction "ablate": run the clean prompts and patch the ablation's activations into the
// patched edges. Direction "restore": run the corrupt prompts and patch the clean activations
// into the patched edges (defined for the resample ablation). Set "circuit" patches the circuit's
// edges; "complement" patches every other edge (ablate + complement is the usual faithfulness
// test: everything outside the circuit ablated).
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import type { Ablation } from './ablations.js';
import { lastPosition, type Metric } from './metrics.js';
import type { LayerStart, PatchableModel, PatchValues, Tokens } from './patchable-model.js';
import { batches, type CircuitDataset, type Prompt } from './tasks/dataset.js';

export type Direction = 'ablate' | 'restore';
export type PatchSet = 'circuit' | 'complement';

export interface PreparedBatch {
  prompts: Prompt[];
  base: Tokens;
  /** Activations patched into patched edges (prepared once, reused by every pass). */
  patch: PatchValues;
  /** Full model's last-position logits on clean and corrupt prompts [batch, vocab]. */
  clean: Tensor;
  corrupt: Tensor;
}

export function checkDirection(d: string): Direction {
  if (d !== 'ablate' && d !== 'restore') throw new Error(`direction must be "ablate" or "restore", got "${d}"`);
  return d;
}

export function checkPatchSet(s: string): PatchSet {
  if (s !== 'circuit' && s !== 'complement') throw new Error(`patch set must be "circuit" or "complement", got "${s}"`);
  return s;
}

/** Batches with their patch activations and reference logits, computed once and reused. */
export function prepareBatches(pm: PatchableModel, dataset: CircuitDataset, ablation: Ablation, direction: Direction, batchSize: number): PreparedBatch[] {
  if (dataset.prompts.length === 0) throw new Error(`${dataset.name}: the dataset is empty`);
  if (direction === 'restore' && ablation.name !== 'resample') {
    throw new Error(`direction "restore" runs the corrupt prompts and restores clean activations; it is defined for the resample ablation only (got "${ablation.name}")`);
  }
  return batches(dataset, batchSize).map((prompts) => {
    const clean = prompts.map((p) => p.clean);
    const corrupt = prompts.map((p) => p.corrupt);
    const { logits: cleanLogits, sources: cleanSources } = pm.runWithSources(clean);
    const corruptFull = pm.forward(corrupt);
    const values = direction === 'ablate' ? ablation.valuesFor(prompts) : cleanSources;
    const out: PreparedBatch = {
      prompts,
      base: direction === 'ablate' ? clean : corrupt,
      patch: pm.preparePatch(values),
      clean: tf.keep(lastPosition(cleanLogits)),
      corrupt: tf.keep(lastPosition(corruptFull)),
    };
    values.dispose();
    if (direction === 'ablate') cleanSources.dispose();
    cleanLogits.dispose();
    corruptFull.dispose();
    return out;
  });
}

export function disposeBatches(prepared: readonly PreparedBatch[]): void {
  for (const b of prepared) {
    b.patch.dispose();
    b.clean.dispose();
    b.corrupt.dispose();
  }
}

/** The mask to patch: the circuit's edges, or every other edge. */
export function patchMask(circuit: Float32Array, set: PatchSet): Float32Array {
  return set === 'circuit' ? circuit : circuit.map((m) => 1 - m);
}

/** Per-prompt metric values (all batches in order) of the model with `mask`'s edges patched. */
export function evaluateMask(pm: PatchableModel, prepared: readonly PreparedBatch[], mask: Float32Array, metric: Metric): number[] {
  const out: number[] = [];
  const masks = pm.maskTensors(mask);
  try {
    for (const b of prepared) {
      const values = tf.tidy(() => {
        const logits = lastPosition(pm.patchedForward(b.base, b.patch, masks));
        return metric.fn({ logits, clean: b.clean, corrupt: b.corrupt, prompts: b.prompts });
      });
      out.push(...(values.dataSync() as Float32Array));
      values.dispose();
    }
  } finally {
    masks.forEach((m) => m.dispose());
  }
  return out;
}

// Several masks per pass only pay while a pass is dominated by per-operation overhead (measured
// with ACDC, which wastes the measurements after each kept edge: 4-layer d128 model, 32 prompts x
// 11 tokens: 1 mask per pass 30 CPU-s, 4 per pass 32, 16 per pass 47; 2-layer d32, 8 x 7 tokens:
// 1 per pass 0.21-0.44 CPU-s, 4 per pass 0.14).
/** Token rows (masks x prompts x positions) a pass aims for. */
const TOKEN_ROWS_PER_PASS = 256;
/** Bytes of stacked source differences a pass may hold. */
const PASS_MEMORY_BYTES = 256 * 2 ** 20;
const MAX_MASKS_PER_PASS = 16;

/** Masks to evaluate per pass (evaluateMasks): about 256 token rows per pass within a memory budget, 1 to 16; 1 for the node graph. */
export function masksPerPass(pm: PatchableModel, prepared: readonly PreparedBatch[]): number {
  if (pm.graph.level !== 'edge') return 1;
  const tokens = Math.max(...prepared.map((b) => b.base.length * (b.base[0]?.length ?? 0)));
  const bytes = tokens * pm.graph.sources.length * pm.cfg.dModel * 4;
  return Math.max(1, Math.min(MAX_MASKS_PER_PASS, Math.floor(TOKEN_ROWS_PER_PASS / tokens), Math.floor(PASS_MEMORY_BYTES / bytes)));
}

/**
 * Per-prompt metric values for each of several masks (edge graph), all masks evaluated in one
 * pass per batch: the batch runs once per mask. With `starts` (one per batch, from
 * UnpatchedPrefix.startAt), passes begin at that layer, reusing the unpatched run before it.
 */
export function evaluateMasks(pm: PatchableModel, prepared: readonly PreparedBatch[], masks: readonly Float32Array[], metric: Metric, starts?: readonly LayerStart[]): number[][] {
  const K = masks.length;
  const out = masks.map(() => [] as number[]);
  const tensors = pm.variantMaskTensors(masks);
  try {
    for (const [i, b] of prepared.entries()) {
      const values = tf.tidy(() => {
        const logits = lastPosition(pm.patchedForwardVariants(b.base, b.patch, tensors, starts?.[i]));
        const prompts = Array.from({ length: K }, () => b.prompts).flat();
        return metric.fn({ logits, clean: tf.tile(b.clean, [K, 1]), corrupt: tf.tile(b.corrupt, [K, 1]), prompts });
      });
      const v = values.dataSync() as Float32Array;
      values.dispose();
      const n = b.prompts.length;
      for (let k = 0; k < K; k++) out[k].push(...v.subarray(k * n, (k + 1) * n));
    }
  } finally {
    tensors.forEach((m) => m.dispose());
  }
  return out;
}

/**
 * The gradient of the metric's per-prompt mean with respect to every edge mask at `mask`, in one
 * backward pass per batch.
 */
export function maskGradient(pm: PatchableModel, prepared: readonly PreparedBatch[], mask: Float32Array, metric: Metric): Float32Array {
  if (!metric.differentiable) throw new Error(`metric "${metric.name}" has no gradient (it counts argmax hits); gradient-based scoring needs a logit, probability or KL metric`);
  const total = new Float32Array(pm.graph.edgeCount);
  const count = prepared.reduce((s, b) => s + b.prompts.length, 0);
  const masks = pm.maskTensors(mask);
  try {
    for (const b of prepared) {
      const f = (...ms: Tensor[]) => tf.sum(metric.fn({ logits: lastPosition(pm.patchedForward(b.base, b.patch, ms)), clean: b.clean, corrupt: b.corrupt, prompts: b.prompts })) as tf.Scalar;
      const grads = tf.grads(f)(masks);
      const flat = pm.flatten(grads);
      grads.forEach((g) => g.dispose());
      for (let i = 0; i < total.length; i++) total[i] += flat[i] / count;
    }
  } finally {
    masks.forEach((m) => m.dispose());
  }
  return total;
}
