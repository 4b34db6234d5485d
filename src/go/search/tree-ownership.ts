// Ownership over a search tree, for analysis output (kata-analyze `ownership`, `movesOwnership`).
// `OwnershipRecorder` wraps an Evaluator and remembers each evaluated position's network output by
// its KataGoHistory object (the search evaluates node.history, so a node finds its own evaluation).
// `treeOwnership(node)` averages White's ownership over the subtree: each node's own network
// evaluation counts once, each child's subtree average counts as many times as the child has visits,
// and a finished game (terminal node) counts its Tromp-Taylor ownership once per visit. This is the
// same idea as KataGo's tree ownership average (KataGo also prunes low-weight children; not done here).
import { BLACK, WHITE } from '../board/coords.js';
import { trompTaylorOwnership } from '../board/scoring.js';
import type { EvaluateOptions, Evaluation, EvalPosition, Evaluator } from '../katago/evaluator.js';
import type { KataGoHistory } from '../katago/history.js';
import type { SearchNode } from './node.js';

export class OwnershipRecorder implements Evaluator {
  private readonly inner: Evaluator;
  private readonly byHistory = new WeakMap<KataGoHistory, Evaluation>();

  constructor(inner: Evaluator) {
    this.inner = inner;
  }

  async evaluate(positions: EvalPosition[], opts?: EvaluateOptions): Promise<Evaluation[]> {
    const out = await this.inner.evaluate(positions, opts);
    positions.forEach((p, i) => this.byHistory.set(p.history, out[i]));
    return out;
  }

  /** The network evaluation the search made for this node's position, if any. */
  evaluationOf(node: SearchNode): Evaluation | undefined {
    return this.byHistory.get(node.history);
  }
}

export interface TreeOwnership {
  /** White's mean ownership per point (y * width + x), in [-1, 1]. */
  mean: Float64Array;
  /** Standard deviation of that ownership across the playouts averaged. */
  stdev: Float64Array;
  /** Playouts the average stands for (0 when nothing is known yet). */
  weight: number;
}

/** White's ownership averaged over `node`'s subtree (see the file comment). */
export function treeOwnership(node: SearchNode, recorder: OwnershipRecorder): TreeOwnership {
  const area = node.width * node.height;
  const sum = new Float64Array(area);
  const sumSq = new Float64Array(area);
  const weight = accumulate(node, recorder, sum, sumSq);
  const mean = new Float64Array(area);
  const stdev = new Float64Array(area);
  if (weight > 0) {
    for (let i = 0; i < area; i++) {
      mean[i] = sum[i] / weight;
      stdev[i] = Math.sqrt(Math.max(0, sumSq[i] / weight - mean[i] * mean[i]));
    }
  }
  return { mean, stdev, weight };
}

/** Adds the subtree's ownership (times its weight) into sum/sumSq; returns the weight added. */
function accumulate(node: SearchNode, recorder: OwnershipRecorder, sum: Float64Array, sumSq: Float64Array): number {
  if (node.terminal) {
    const n = node.stats.visits;
    if (n === 0) return 0;
    const owner = trompTaylorOwnership(node.history.board);
    for (let i = 0; i < sum.length; i++) {
      const v = owner[i] === WHITE ? 1 : owner[i] === BLACK ? -1 : 0;
      sum[i] += n * v;
      sumSq[i] += n * v * v;
    }
    return n;
  }
  let weight = 0;
  const e = recorder.evaluationOf(node);
  if (e && node.stats.visits > 0) {
    for (let i = 0; i < sum.length; i++) {
      sum[i] += e.whiteOwnership[i];
      sumSq[i] += e.whiteOwnership[i] * e.whiteOwnership[i];
    }
    weight = 1;
  }
  for (const c of node.children) if (c.stats.visits > 0) weight += accumulate(c, recorder, sum, sumSq);
  return weight;
}
