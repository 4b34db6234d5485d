// Exact activation patching per edge: the metric change from patching each edge alone (one
// forward pass per edge; a slow baseline for tiny models).
import { disposeBatches, evaluateMask, prepareBatches } from '../evaluate.js';
import { meanOf } from '../metrics.js';
import type { DiscoveryAlgorithm } from './types.js';

export const edgeActivationPatching: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const E = pm.graph.edgeCount;
  const prepared = prepareBatches(pm, dataset, ablation, o.direction ?? 'ablate', o.batchSize ?? 32);
  try {
    const base = meanOf(evaluateMask(pm, prepared, new Float32Array(E), metric));
    const scores = new Float32Array(E);
    for (let i = 0; i < E; i++) {
      const mask = new Float32Array(E);
      mask[i] = 1;
      scores[i] = meanOf(evaluateMask(pm, prepared, mask, metric)) - base;
      o.onProgress?.(i + 1, E);
    }
    return scores;
  } finally {
    disposeBatches(prepared);
  }
};
