// ACDC: start from the full model, visit destinations from the output backwards (Resid End, then
// each block's MLP and attention from the last block down) and patch each incoming edge in turn;
// keep it patched (out of the circuit) when the metric moves towards worse by less than the
// threshold. Scores: the measured change for edges kept in the circuit, 0 for removed edges.
import { disposeBatches, evaluateMask, prepareBatches } from '../evaluate.js';
import { meanOf } from '../metrics.js';
import type { DiscoveryAlgorithm } from './types.js';

export const acdc: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const { graph } = pm;
  if (graph.level !== 'edge') throw new Error('acdc needs the edge graph');
  const threshold = o.threshold ?? 0.01;
  const E = graph.edgeCount;
  const prepared = prepareBatches(pm, dataset, ablation, o.direction ?? 'ablate', o.batchSize ?? 32);
  try {
    const patched = new Float32Array(E);
    const scores = new Float32Array(E);
    let current = meanOf(evaluateMask(pm, prepared, patched, metric));
    // Destinations from the output backwards; within one, sources from the latest backwards.
    const order = graph.edges.slice().sort((a, b) => b.dest!.column - a.dest!.column || b.group - a.group || b.src.index - a.src.index || (a.dest!.name < b.dest!.name ? 1 : -1));
    order.forEach((e, n) => {
      patched[e.index] = 1;
      const value = meanOf(evaluateMask(pm, prepared, patched, metric));
      const worse = metric.higherIsBetter ? current - value : value - current;
      if (worse < threshold) current = value;
      else {
        patched[e.index] = 0;
        scores[e.index] = worse;
      }
      o.onProgress?.(n + 1, E);
    });
    return scores;
  } finally {
    disposeBatches(prepared);
  }
};
