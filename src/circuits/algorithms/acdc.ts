// ACDC: start from the full model, visit destinations from the output backwards (Resid End, then
// each block's MLP and attention from the last block down) and patch each incoming edge in turn;
// keep it patched (out of the circuit) when the metric moves towards worse by less than the
// threshold. Scores: the measured change for edges kept in the circuit, 0 for removed edges.
//
// Candidates are evaluated several at a time, speculatively: candidate j of a pass is measured
// with candidates 0..j-1 of the same pass patched too, which is what the sequential algorithm
// measures whenever those were all removed (most edges are). When one is kept instead, the
// measurements after it are discarded and re-done in the next pass, so the decisions are the
// sequential algorithm's.
//
// Every edge patched so far enters the current destination or a later one, so the model before
// the current destination's layer computes exactly the unpatched run: passes start at that layer
// from the unpatched run's residual stream and source activations (computed once per batch).
import { disposeBatches, evaluateMasks, masksPerPass, prepareBatches } from '../evaluate.js';
import { meanOf } from '../metrics.js';
import type { UnpatchedPrefix } from '../patchable-model.js';
import type { DiscoveryAlgorithm } from './types.js';

export const acdc: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const { graph } = pm;
  if (graph.level !== 'edge') throw new Error('acdc needs the edge graph');
  const threshold = o.threshold ?? 0.01;
  const E = graph.edgeCount;
  const prepared = prepareBatches(pm, dataset, ablation, o.direction ?? 'ablate', o.batchSize ?? 32);
  const prefixes: UnpatchedPrefix[] = [];
  try {
    // Speculation pays only while passes are overhead-bound: each kept edge wastes the
    // measurements after it (see masksPerPass for the default).
    const perPass = o.candidates ?? masksPerPass(pm, prepared);
    if (!Number.isInteger(perPass) || perPass < 1) throw new Error(`acdc: candidates per pass must be a positive integer, got ${perPass}`);
    for (const b of prepared) prefixes.push(pm.unpatchedPrefix(b.base, b.patch));
    const startsFor = (layer: number) => (layer >= 1 ? prefixes.map((p) => p.startAt(layer)) : undefined);
    const patched = new Float32Array(E);
    const scores = new Float32Array(E);
    let current = meanOf(evaluateMasks(pm, prepared, [patched], metric)[0]);
    // Destinations from the output backwards; within one, sources from the latest backwards.
    const order = graph.edges.slice().sort((a, b) => b.dest!.column - a.dest!.column || b.group - a.group || b.src.index - a.src.index || (a.dest!.name < b.dest!.name ? 1 : -1));
    let next = 0;
    while (next < order.length) {
      const chunk = order.slice(next, next + perPass);
      const masks = chunk.map((_, j) => {
        const m = patched.slice();
        for (let t = 0; t <= j; t++) m[chunk[t].index] = 1;
        return m;
      });
      const layer = Math.min(...chunk.map((e) => Math.min(e.dest!.layer, pm.cfg.nLayers - 1)));
      const values = evaluateMasks(pm, prepared, masks, metric, startsFor(layer)).map(meanOf);
      for (let j = 0; j < chunk.length; j++) {
        const e = chunk[j];
        const worse = metric.higherIsBetter ? current - values[j] : values[j] - current;
        next++;
        if (worse < threshold) {
          patched[e.index] = 1;
          current = values[j];
        } else {
          scores[e.index] = worse;
          break; // later measurements assumed this edge patched
        }
      }
      o.onProgress?.(next, E);
    }
    return scores;
  } finally {
    prefixes.forEach((p) => p.dispose());
    disposeBatches(prepared);
  }
};
