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
import { disposeBatches, evaluateMasks, prepareBatches } from '../evaluate.js';
import { meanOf } from '../metrics.js';
import type { PatchableModel, UnpatchedPrefix } from '../patchable-model.js';
import type { DiscoveryAlgorithm } from './types.js';

// Speculation pays only while a pass is dominated by per-operation overhead: every kept edge
// wastes the measurements after it, so once a batch's own work is large, one candidate per pass
// is fastest (measured: 4-layer d128 model, 32 prompts x 11 tokens: 1 per pass 30 CPU-s, 4 per
// pass 32, 16 per pass 47; 2-layer d32, 8 x 7 tokens: 1 per pass 0.21-0.44, 4 per pass 0.14).
/** Token rows (candidates x prompts x positions) one pass aims for when the candidate count is automatic. */
const TOKEN_ROWS_PER_PASS = 256;
/** Bytes of stacked source differences one pass may hold when the candidate count is automatic. */
const CANDIDATE_MEMORY_BYTES = 256 * 2 ** 20;
const MAX_AUTO_CANDIDATES = 16;

/** Candidates per pass: about 256 token rows per pass, within the memory budget, 1 to 16. */
export function acdcCandidatesPerPass(pm: PatchableModel, batchTokens: number): number {
  const perVariantBytes = batchTokens * pm.graph.sources.length * pm.cfg.dModel * 4;
  const byWork = Math.floor(TOKEN_ROWS_PER_PASS / batchTokens);
  return Math.max(1, Math.min(MAX_AUTO_CANDIDATES, byWork, Math.floor(CANDIDATE_MEMORY_BYTES / perVariantBytes)));
}

export const acdc: DiscoveryAlgorithm = (pm, dataset, ablation, metric, o) => {
  const { graph } = pm;
  if (graph.level !== 'edge') throw new Error('acdc needs the edge graph');
  const threshold = o.threshold ?? 0.01;
  const E = graph.edgeCount;
  const prepared = prepareBatches(pm, dataset, ablation, o.direction ?? 'ablate', o.batchSize ?? 32);
  const prefixes: UnpatchedPrefix[] = [];
  try {
    const largest = Math.max(...prepared.map((b) => b.base.length * (b.base[0]?.length ?? 0)));
    const perPass = o.candidates ?? acdcCandidatesPerPass(pm, largest);
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
