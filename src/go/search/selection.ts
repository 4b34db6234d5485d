// PUCT selection as KataGo does it (cpp/search/searchexplorehelpers.cpp):
//   value(child) = exploreScaling * P(child) / (1 + childWeight) + (utility of child for the player to move)
//   exploreScaling = cpuct(totalChildWeight) * sqrt(totalChildWeight + 0.01) * parentUtilityStdevFactor
//   cpuct(W) = cpuctExploration + cpuctExplorationLog * ln((W + cpuctExplorationBase) / cpuctExplorationBase)
// Unvisited children get the first-play-urgency value: the parent's utility (blended toward its own
// network value while little policy mass has been visited), reduced by fpuReductionMax *
// sqrt(visited policy mass) for the player to move, then moved fpuLossProp of the way to a loss. Virtual
// losses pull a child's utility toward a loss and add to its weight, so that leaves collected for one
// batch differ.
import { WHITE, type Color } from '../board/coords.js';
import type { SearchNode } from './node.js';
import type { SearchParams } from './params.js';
import { utilityRadius } from './utility.js';

const TOTALCHILDWEIGHT_PUCT_OFFSET = 0.01;
export const ILLEGAL_SELECTION_VALUE = -1e50;

export function cpuct(totalChildWeight: number, p: SearchParams): number {
  return p.cpuctExploration + p.cpuctExplorationLog * Math.log((totalChildWeight + p.cpuctExplorationBase) / p.cpuctExplorationBase);
}

export function exploreScaling(totalChildWeight: number, parentUtilityStdevFactor: number, p: SearchParams): number {
  return cpuct(totalChildWeight, p) * Math.sqrt(totalChildWeight + TOTALCHILDWEIGHT_PUCT_OFFSET) * parentUtilityStdevFactor;
}

/** KataGo's getExploreSelectionValue: childUtility is White's; pla is the player choosing. */
export function exploreSelectionValue(scaling: number, policyProb: number, childWeight: number, childUtility: number, pla: Color): number {
  if (policyProb < 0) return ILLEGAL_SELECTION_VALUE;
  const explore = (scaling * policyProb) / (1 + childWeight);
  return explore + (pla === WHITE ? childUtility : -childUtility);
}

/** The child weight at which exploreSelectionValue would equal `value` (0 if negative): KataGo's inverse, for move choice. */
export function exploreSelectionValueInverse(value: number, scaling: number, policyProb: number, childUtility: number, pla: Color): number {
  if (policyProb < 0) return 0;
  const explore = value - (pla === WHITE ? childUtility : -childUtility);
  if (explore <= 0) return 1e100;
  return Math.max(0, (scaling * policyProb) / explore - 1);
}

/** KataGo's parentUtilityStdevFactor: 1 + scale * (stdev / prior - 1), stdev shrunk toward the prior. */
export function parentUtilityStdevFactor(node: SearchNode, p: SearchParams): number {
  const s = node.stats;
  let stdev: number;
  if (s.visits <= 0 || s.weightSum <= 1) {
    stdev = p.cpuctUtilityStdevPrior;
  } else {
    const u = s.utilityAvg;
    const uSq = u * u;
    const sqAvg = Math.max(s.utilitySqAvg, uSq);
    const prior = p.cpuctUtilityStdevPrior * p.cpuctUtilityStdevPrior;
    stdev = Math.sqrt(Math.max(0, ((uSq + prior) * p.cpuctUtilityStdevPriorWeight + sqAvg * s.weightSum) / (p.cpuctUtilityStdevPriorWeight + s.weightSum - 1) - uSq));
  }
  return 1 + p.cpuctUtilityStdevScale * (stdev / p.cpuctUtilityStdevPrior - 1);
}

/** First-play-urgency value (White's utility) for the unvisited children of node. */
export function fpuValue(node: SearchNode, isRoot: boolean, policyProbMassVisited: number, p: SearchParams): number {
  const pla = node.nextPla;
  let parentUtility = node.stats.utilityAvg;
  if (p.fpuParentWeightByVisitedPolicy && node.nnValue) {
    const w = Math.min(1, Math.pow(policyProbMassVisited, p.fpuParentWeightByVisitedPolicyPow));
    parentUtility = w * parentUtility + (1 - w) * node.nnValue.utility;
  }
  const reductionMax = isRoot ? p.rootFpuReductionMax : p.fpuReductionMax;
  const lossProp = isRoot ? p.rootFpuLossProp : p.fpuLossProp;
  const reduction = reductionMax * Math.sqrt(policyProbMassVisited);
  let v = pla === WHITE ? parentUtility - reduction : parentUtility + reduction;
  const radius = utilityRadius(p);
  const lossValue = pla === WHITE ? -radius : radius;
  v += (lossValue - v) * lossProp;
  return v;
}

/** A child's utility and weight as selection sees them: FPU when unvisited, virtual losses applied. */
export function childUtilityAndWeight(parent: SearchNode, child: SearchNode, fpu: number, p: SearchParams): { utility: number; weight: number } {
  let weight = child.stats.weightSum;
  let utility = child.stats.visits > 0 && weight > 0 ? child.stats.utilityAvg : fpu;
  if (child.virtualLosses > 0) {
    const vlWeight = child.virtualLosses * p.numVirtualLossesPerThread;
    const radius = utilityRadius(p);
    const vlUtility = parent.nextPla === WHITE ? -radius : radius;
    const frac = vlWeight / (vlWeight + Math.max(0.25, weight));
    utility += (vlUtility - utility) * frac;
    weight += vlWeight;
  }
  return { utility, weight };
}

export interface Selection {
  /** An existing child, or null to create the child for `loc`. */
  child: SearchNode | null;
  loc: number;
}

/**
 * KataGo's selectBestChildToDescend: the existing child or the best new move (the highest-policy move
 * without a child: all new moves share the FPU value) with the largest selection value. `allowed`
 * filters moves at the root (pass handling). Null when nothing can be selected.
 */
export function selectChild(node: SearchNode, isRoot: boolean, p: SearchParams, allowed: ((loc: number) => boolean) | null): Selection | null {
  const policy = node.selectionPolicy!;
  let massVisited = 0;
  let totalWeight = 0;
  const hasChild = new Uint8Array(policy.length);
  for (const c of node.children) {
    const idx = node.policyIndex(c.moveLoc!);
    hasChild[idx] = 1;
    if (policy[idx] < 0) continue;
    massVisited += policy[idx];
    totalWeight += c.stats.weightSum;
  }
  const scaling = exploreScaling(totalWeight, parentUtilityStdevFactor(node, p), p);
  const fpu = fpuValue(node, isRoot, massVisited, p);
  let best: Selection | null = null;
  let bestValue = ILLEGAL_SELECTION_VALUE;
  for (const c of node.children) {
    if (allowed && !allowed(c.moveLoc!)) continue;
    const prob = policy[node.policyIndex(c.moveLoc!)];
    const { utility, weight } = childUtilityAndWeight(node, c, fpu, p);
    const v = exploreSelectionValue(scaling, prob, weight, utility, node.nextPla);
    if (v > bestValue) {
      bestValue = v;
      best = { child: c, loc: c.moveLoc! };
    }
  }
  // Best new child: the largest policy among moves without a child (ties: lowest index).
  let newIdx = -1;
  for (let i = 0; i < policy.length; i++) {
    if (hasChild[i] || policy[i] < 0) continue;
    if (newIdx >= 0 && policy[i] <= policy[newIdx]) continue;
    if (allowed && !allowed(node.locOfIndex(i))) continue;
    newIdx = i;
  }
  if (newIdx >= 0) {
    const v = exploreSelectionValue(scaling, policy[newIdx], 0, fpu, node.nextPla);
    if (v > bestValue) best = { child: null, loc: node.locOfIndex(newIdx) };
  }
  return best;
}
