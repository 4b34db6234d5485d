// Backup: a playout's value (White's point of view throughout, as KataGo keeps it) is averaged into
// every node on its path, and the virtual losses the path carried are removed. The sign flips only
// when selection reads a utility for the player to move (selection.ts), never here.
import type { LeafValue, SearchNode } from './node.js';

export function addValue(node: SearchNode, v: LeafValue): void {
  const s = node.stats;
  const w = s.weightSum + 1;
  const f = 1 / w;
  s.utilityAvg += (v.utility - s.utilityAvg) * f;
  s.utilitySqAvg += (v.utility * v.utility - s.utilitySqAvg) * f;
  s.winLossAvg += (v.winLoss - s.winLossAvg) * f;
  s.noResultAvg += (v.noResult - s.noResultAvg) * f;
  s.scoreMeanAvg += (v.scoreMean - s.scoreMeanAvg) * f;
  s.scoreMeanSqAvg += (v.scoreMeanSq - s.scoreMeanSqAvg) * f;
  s.leadAvg += (v.lead - s.leadAvg) * f;
  s.weightSum = w;
  s.visits++;
}

/** Adds one virtual loss to every node of the path below the root. */
export function addVirtualLosses(path: SearchNode[]): void {
  for (let i = 1; i < path.length; i++) path[i].virtualLosses++;
}

export function removeVirtualLosses(path: SearchNode[]): void {
  for (let i = 1; i < path.length; i++) path[i].virtualLosses--;
}

/** Backs a playout's value up its path (root first) and removes its virtual losses. */
export function backup(path: SearchNode[], v: LeafValue): void {
  for (const n of path) addValue(n, v);
  removeVirtualLosses(path);
}
