// Edge attribution patching: the gradient of the metric with respect to every edge mask at
// mask = 0 (nothing patched), one backward pass per batch; a first-order estimate of the metric
// change from patching each edge alone.
import { disposeBatches, maskGradient, prepareBatches } from '../evaluate.js';
import type { DiscoveryAlgorithm } from './types.js';

export const edgeAttributionPatching: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const prepared = prepareBatches(pm, dataset, ablation, o.direction ?? 'ablate', o.batchSize ?? 32);
  try {
    const g = maskGradient(pm, prepared, new Float32Array(pm.graph.edgeCount), metric);
    o.onProgress?.(1, 1);
    return g;
  } finally {
    disposeBatches(prepared);
  }
};
