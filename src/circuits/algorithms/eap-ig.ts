// EAP with integrated gradients: the mask gradient averaged over `steps` masks spaced evenly
// between 0 (nothing patched) and 1 (every edge patched), at the midpoints (k + 1/2) / steps.
// Score of edge e: integral over t in [0, 1] of d metric / d mask_e at mask = t for every edge,
// so the scores sum to metric(all patched) - metric(none patched) (completeness), sign included
// (positive: patching the edge raises the metric); rankings use |score|.
// Choices, against the references: like auto-circuit we interpolate the edge masks (Hanna et al.
// 2024 interpolate the input embeddings from corrupt to clean and multiply by the fixed clean -
// corrupt source difference, which needs corrupt prompts: resample only). auto-circuit averages
// over the steps + 1 points k / steps, both endpoints included; Hanna et al. over k / steps,
// k = 1..steps. The midpoint rule used here has error O(1/steps^2) instead of O(1/steps) for the
// same number of backward passes; `steps` counts passes. Zero ablation: near t = 1 every LayerNorm
// input shrinks to 0 and the metric jumps within LayerNorm's epsilon of the end, which no sample
// sees, so there the scores do not sum to the total effect.
import { disposeBatches, maskGradient, prepareBatches } from '../evaluate.js';
import type { DiscoveryAlgorithm } from './types.js';

export const edgeAttributionPatchingIG: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const steps = o.steps ?? 10;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`eap-ig: steps must be a positive integer, got ${steps}`);
  const E = pm.graph.edgeCount;
  const prepared = prepareBatches(pm, dataset, ablation, o.direction ?? 'ablate', o.batchSize ?? 32);
  try {
    const total = new Float32Array(E);
    for (let k = 0; k < steps; k++) {
      const g = maskGradient(pm, prepared, new Float32Array(E).fill((k + 0.5) / steps), metric);
      for (let i = 0; i < E; i++) total[i] += g[i] / steps;
      o.onProgress?.(k + 1, steps);
    }
    return total;
  } finally {
    disposeBatches(prepared);
  }
};
