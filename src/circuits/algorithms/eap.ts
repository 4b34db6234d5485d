// Edge attribution patching: the gradient of the metric with respect to every edge mask at
// mask = 0 (nothing patched), one backward pass per batch; a first-order estimate of the metric
// change from patching each edge alone.
import { disposeBatches, maskGradient, prepareBatches } from '../evaluate.js';
import type { DiscoveryAlgorithm } from './types.js';

export const edgeAttributionPatching: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const direction = o.direction ?? 'ablate';
  // With nothing patched the run is the full model on the base prompts; the KL divergence to that
  // same run is at its minimum there, so its gradient is zero for every edge (Hanna et al. 2024).
  const atMinimum = direction === 'ablate' ? 'kl-clean' : 'kl-corrupt';
  if (metric.name === atMinimum) {
    throw new Error(`eap: the gradient of ${metric.name} is zero for every edge with nothing patched (direction "${direction}" runs the ${direction === 'ablate' ? 'clean' : 'corrupt'} prompts, where the KL divergence is at its minimum); use eap-ig, or a logit or probability metric`);
  }
  const prepared = prepareBatches(pm, dataset, ablation, direction, o.batchSize ?? 32);
  try {
    const g = maskGradient(pm, prepared, new Float32Array(pm.graph.edgeCount), metric);
    o.onProgress?.(1, 1);
    return g;
  } finally {
    disposeBatches(prepared);
  }
};
