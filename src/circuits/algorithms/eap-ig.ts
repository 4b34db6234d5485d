// EAP with integrated gradients: the mask gradient averaged over `steps` masks spaced evenly
// between 0 (nothing patched) and 1 (every edge patched), at the midpoints (k + 1/2) / steps.
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
