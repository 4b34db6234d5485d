// The patching benchmark behind `glassbox bench --json`'s `patching` entry: on a GPT-2-small-shaped
// model (12 layers, d_model 768, 12 heads, random weights), the cost of a forward pass with every
// edge patched (one pass, ~32k edge masks) over an unpatched forward pass, and the cost of the
// gradient with respect to every edge mask over an unpatched forward + backward (gradients of
// the same loss with respect to all parameters).
import { tf } from '../engine/tfjs.js';
import type { Tensor } from '../engine/tfjs.js';
import { Rng } from '../engine/rng.js';
import { HookedTransformer } from '../nn/transformer/index.js';
import { PatchableModel } from './patchable-model.js';

export interface PatchingBenchShape {
  nLayers: number;
  dModel: number;
  nHeads: number;
  dVocab: number;
  batch: number;
  seq: number;
}

export const PATCHING_FULL: PatchingBenchShape = { nLayers: 12, dModel: 768, nHeads: 12, dVocab: 50257, batch: 1, seq: 32 };
export const PATCHING_TINY: PatchingBenchShape = { nLayers: 2, dModel: 32, nHeads: 4, dVocab: 50, batch: 2, seq: 8 };

export interface PatchingBenchResult {
  forward_ratio: number;
  grad_ratio: number;
  edges: number;
  ms: { forward: number; patched_forward: number; forward_backward: number; mask_gradient: number };
  shape: PatchingBenchShape;
  reps: number;
}

/**
 * Median times (ms) of two workloads timed in alternation after one warm-up each, so that a
 * change in machine load affects both alike.
 */
function pairedMedians(a: () => void, b: () => void, reps: number): [number, number] {
  a();
  b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    for (const [fn, out] of [[a, ta], [b, tb]] as const) {
      const t0 = performance.now();
      fn();
      out.push(performance.now() - t0);
    }
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [median(ta), median(tb)];
}

export function benchPatching(o: { shape?: PatchingBenchShape; reps?: number; log?: (line: string) => void } = {}): PatchingBenchResult {
  const shape = o.shape ?? PATCHING_FULL;
  const reps = o.reps ?? 3;
  const log = o.log ?? (() => {});
  const { nLayers, dModel, nHeads, dVocab, batch, seq } = shape;
  log(`patching: building a ${nLayers}-layer d${dModel} model`);
  const model = new HookedTransformer({ nLayers, dModel, nHeads, dVocab, nCtx: Math.max(seq, 8) }, { seed: 0 });
  const pm = new PatchableModel(model);
  const rng = new Rng(1);
  const tokens = Array.from({ length: batch }, () => Array.from({ length: seq }, () => rng.int(dVocab)));
  const corrupt = Array.from({ length: batch }, () => Array.from({ length: seq }, () => rng.int(dVocab)));
  const acts = pm.sourceActivations(corrupt);
  const patch = pm.preparePatch(acts); // prepared once per batch, as discovery and curves do
  acts.dispose();
  const E = pm.graph.edgeCount;
  const masks = pm.maskTensors(new Float32Array(E).fill(1));
  const params = model.namedParameters().map(([, p]) => p);
  const loss = (logits: Tensor) => tf.mean(tf.square(logits)) as tf.Scalar;
  try {
    log(`patching: unpatched forward vs forward with all ${E} edges patched`);
    const [forward, patchedForward] = pairedMedians(
      () => tf.tidy(() => void model.forward(tokens).dataSync()),
      () => tf.tidy(() => void pm.patchedForward(tokens, patch, masks).dataSync()),
      reps,
    );
    log('patching: unpatched forward + backward vs the gradient with respect to every edge mask');
    const [forwardBackward, maskGradient] = pairedMedians(() => {
      const { value, grads } = tf.variableGrads(() => loss(model.forward(tokens)), params);
      value.dataSync();
      Object.values(grads).forEach((g) => g.dispose());
      value.dispose();
    }, () => {
      const grads = tf.grads((...ms: Tensor[]) => loss(pm.patchedForward(tokens, patch, ms)))(masks);
      grads.forEach((g) => {
        g.dataSync();
        g.dispose();
      });
    }, reps);
    const r = (x: number) => Number(x.toPrecision(3));
    return {
      forward_ratio: r(patchedForward / forward),
      grad_ratio: r(maskGradient / forwardBackward),
      edges: E,
      ms: { forward: r(forward), patched_forward: r(patchedForward), forward_backward: r(forwardBackward), mask_gradient: r(maskGradient) },
      shape,
      reps,
    };
  } finally {
    masks.forEach((m) => m.dispose());
    patch.dispose();
    model.dispose();
  }
}
