// Parameter-level routing: each example's gradient reaches only the parameters its mask allows
// (times the mask's weight). Examples that share a mask pattern form one group, so a batch costs
// one forward and one backward pass per distinct pattern instead of one per example.
import { tf } from '../engine/tfjs.js';
import type { Variable } from '../engine/tfjs.js';
import { accumulateGrads, lossAndGrads, type NamedGrads } from '../nn/grads.js';
import type { ParamRoutingGroup } from './compile.js';

/**
 * The loss of the examples at `indices`, as their share of the batch loss: the batch loss must
 * be the sum of lossFor over the groups (e.g. sum of per-example losses / batch size).
 */
export type GroupLossFn = (indices: Int32Array) => tf.Scalar;

/**
 * Sums, over the groups, each group's gradient times its per-parameter weights. Returns the total
 * loss (sum of the groups' losses) and the gradients by parameter name (parameters no group
 * reaches have no entry). The caller owns and disposes the results.
 */
export function paramRoutedGrads(params: [string, Variable][], groups: ParamRoutingGroup[], lossFor: GroupLossFn): { loss: tf.Scalar; grads: NamedGrads } {
  const trainable = params.filter(([, p]) => p.trainable);
  let total = 0;
  const sums: NamedGrads = {};
  for (const group of groups) {
    if (group.indices.length === 0) continue;
    for (const [n] of trainable) {
      const w = group.weights[n];
      if (w === undefined || !Number.isFinite(w)) throw new Error(`paramRoutedGrads: group has no finite weight for parameter "${n}" (got ${w})`);
    }
    const reached = trainable.filter(([n]) => group.weights[n] !== 0);
    if (reached.length === 0) {
      total += tf.tidy(() => lossFor(group.indices).dataSync()[0]);
      continue;
    }
    const { loss, grads } = lossAndGrads(reached, () => lossFor(group.indices));
    total += loss.dataSync()[0];
    loss.dispose();
    for (const [n, g] of Object.entries(grads)) {
      const w = group.weights[n];
      const scaled = w === 1 ? g : tf.mul(g, w);
      if (scaled !== g) g.dispose();
      accumulateGrads(sums, { [n]: scaled });
    }
  }
  return { loss: tf.scalar(total), grads: sums };
}
