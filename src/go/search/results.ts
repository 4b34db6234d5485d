// Reading results off the tree: the move to play (KataGo's play selection values: child weights, each
// reduced to what its explore value justified in hindsight, then pruned and sharpened by the
// chosen-move temperature), the principal variation, and per-move statistics.
import type { Rng } from '../../engine/rng.js';
import { PASS, WHITE } from '../board/coords.js';
import type { SearchNode } from './node.js';
import type { SearchParams } from './params.js';
import { exploreScaling, exploreSelectionValue, exploreSelectionValueInverse, parentUtilityStdevFactor } from './selection.js';

export interface MoveInfo {
  loc: number;
  visits: number;
  /** Prior (the policy the search used, noised at the root when noise is on). */
  prior: number;
  /** Win probability for the player to move at the root, from this move's playouts. */
  winrate: number;
  /** White's expected score lead from this move's playouts. */
  whiteLead: number;
  /** Play selection value (weight after KataGo's reduction). */
  playSelectionValue: number;
}

/** KataGo's interpolateEarly: the early temperature decays to the late one with a half-life in turns scaled to 19x19. */
export function chosenMoveTemperature(turn: number, width: number, height: number, p: SearchParams): number {
  const halflives = (turn / p.chosenMoveTemperatureHalflife) * (19 / Math.sqrt(width * height));
  return p.chosenMoveTemperature + (p.chosenMoveTemperatureEarly - p.chosenMoveTemperature) * Math.pow(0.5, halflives);
}

/**
 * Play selection values of the root's visited children (allowed moves only). With no visited child
 * (a 1-visit search) the values are the root policy over allowed legal moves, as KataGo falls back to.
 */
export function playSelectionValues(root: SearchNode, p: SearchParams, allowed: ((loc: number) => boolean) | null): { locs: number[]; values: number[] } {
  const policy = root.selectionPolicy!;
  const visited = root.children.filter((c) => c.stats.visits > 0 && (!allowed || allowed(c.moveLoc!)));
  const locs: number[] = [];
  const values: number[] = [];
  if (visited.length === 0) {
    for (let i = 0; i < policy.length; i++) {
      const loc = root.locOfIndex(i);
      if (policy[i] < 0 || (allowed && !allowed(loc))) continue;
      locs.push(loc);
      values.push(policy[i]);
    }
    return { locs, values };
  }
  let totalWeight = 0;
  for (const c of root.children) totalWeight += c.stats.weightSum;
  const scaling = exploreScaling(totalWeight, parentUtilityStdevFactor(root, p), p);
  // The most-weighted child sets the bar; others keep only the weight their value justified.
  let best = visited[0];
  for (const c of visited) if (c.stats.weightSum > best.stats.weightSum) best = c;
  const bestValue = exploreSelectionValue(scaling, policy[root.policyIndex(best.moveLoc!)], best.stats.weightSum, best.stats.utilityAvg, root.nextPla);
  for (const c of visited) {
    const prob = policy[root.policyIndex(c.moveLoc!)];
    const wanted = c === best ? c.stats.weightSum : exploreSelectionValueInverse(bestValue, scaling, prob, c.stats.utilityAvg, root.nextPla);
    locs.push(c.moveLoc!);
    values.push(Math.min(c.stats.weightSum, wanted));
  }
  // chosenMovePrune: drop moves below that many visits (unless that would drop them all).
  if (values.some((v, i) => visited[i].stats.visits >= p.chosenMovePrune)) {
    for (let i = values.length - 1; i >= 0; i--) {
      if (visited[i].stats.visits < p.chosenMovePrune) {
        locs.splice(i, 1);
        values.splice(i, 1);
        visited.splice(i, 1);
      }
    }
  }
  return { locs, values };
}

/** The move to play: the largest play selection value, or a draw proportional to value^(1/T) when T > 0. */
export function chooseMove(root: SearchNode, p: SearchParams, allowed: ((loc: number) => boolean) | null, rng: Rng): number {
  const { locs, values } = playSelectionValues(root, p, allowed);
  if (locs.length === 0) return PASS;
  const turn = root.history.game.moves.length;
  const t = chosenMoveTemperature(turn, root.width, root.height, p);
  let bestI = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[bestI]) bestI = i;
  if (t <= 1e-4) return locs[bestI];
  const max = values[bestI];
  const w = values.map((v) => (v > 0 ? Math.exp(Math.log(v / max) / t) : 0));
  let sum = 0;
  for (const x of w) sum += x;
  let r = rng.float() * sum;
  for (let i = 0; i < w.length; i++) {
    r -= w[i];
    if (r < 0) return locs[i];
  }
  return locs[bestI];
}

export function moveInfos(root: SearchNode, p: SearchParams, allowed: ((loc: number) => boolean) | null): MoveInfo[] {
  const policy = root.selectionPolicy!;
  const { locs, values } = playSelectionValues(root, p, allowed);
  const psv = new Map(locs.map((l, i) => [l, values[i]]));
  return root.children
    .filter((c) => c.stats.visits > 0)
    .map((c) => {
      const whiteWin = 0.5 * (1 + c.stats.winLossAvg);
      return {
        loc: c.moveLoc!,
        visits: c.stats.visits,
        prior: policy[root.policyIndex(c.moveLoc!)],
        winrate: root.nextPla === WHITE ? whiteWin : 1 - whiteWin,
        whiteLead: c.stats.leadAvg,
        playSelectionValue: psv.get(c.moveLoc!) ?? 0,
      };
    })
    .sort((a, b) => b.visits - a.visits);
}

/** Principal variation: the most-visited child, repeatedly. */
export function principalVariation(root: SearchNode, maxLength = 20): number[] {
  const pv: number[] = [];
  let n = root;
  while (pv.length < maxLength) {
    let best: SearchNode | null = null;
    for (const c of n.children) if (c.stats.visits > 0 && (!best || c.stats.visits > best.stats.visits)) best = c;
    if (!best) break;
    pv.push(best.moveLoc!);
    n = best;
  }
  return pv;
}
