// The search tree: one node per position reached, holding the position (a KataGoHistory), the network's
// output for it once evaluated, its children (created when first selected) and running statistics of
// the playouts through it. All values are from White's point of view, as in KataGo.
import { PASS, type Color } from '../board/coords.js';
import type { KataGoHistory } from '../katago/history.js';

/** Averages over the playouts through a node (each playout has weight 1). */
export class NodeStats {
  visits = 0;
  weightSum = 0;
  utilityAvg = 0;
  utilitySqAvg = 0;
  winLossAvg = 0;
  noResultAvg = 0;
  scoreMeanAvg = 0;
  scoreMeanSqAvg = 0;
  leadAvg = 0;
}

/** One playout's value: the leaf's network evaluation or the terminal score. */
export interface LeafValue {
  utility: number;
  winLoss: number;
  noResult: number;
  scoreMean: number;
  scoreMeanSq: number;
  lead: number;
}

export class SearchNode {
  readonly history: KataGoHistory;
  readonly nextPla: Color;
  /** The move that led here from the parent (PASS for a pass), or null at a root that was never a child. */
  readonly moveLoc: number | null;
  /** Game over (two passes, or KataGo's no-result repetition): valued by the score, never evaluated. */
  readonly terminal: boolean;
  /** Move probabilities by policy index (y * width + x, pass = width * height); -1 where illegal. Null until evaluated. */
  policy: Float32Array | null = null;
  /** The root's policy with Dirichlet noise, when noise is on. */
  noisedPolicy: Float32Array | null = null;
  /** The network's own value of this position. */
  nnValue: LeafValue | null = null;
  readonly children: SearchNode[] = [];
  readonly stats = new NodeStats();
  virtualLosses = 0;
  /** In the batch being evaluated. */
  pending = false;

  constructor(history: KataGoHistory, moveLoc: number | null) {
    this.history = history;
    this.nextPla = history.toMove;
    this.moveLoc = moveLoc;
    this.terminal = history.isGameFinished;
  }

  get width(): number {
    return this.history.board.width;
  }
  get height(): number {
    return this.history.board.height;
  }

  /** Policy index of a move (board location or PASS). */
  policyIndex(loc: number): number {
    const b = this.history.board;
    return loc === PASS ? b.area : b.indexOf(loc);
  }

  /** Board location (or PASS) of a policy index. */
  locOfIndex(index: number): number {
    const b = this.history.board;
    return index === b.area ? PASS : b.loc(index % b.width, Math.floor(index / b.width));
  }

  /** The policy selection uses: noised at the root when noise is on. */
  get selectionPolicy(): Float32Array | null {
    return this.noisedPolicy ?? this.policy;
  }

  childFor(loc: number): SearchNode | undefined {
    return this.children.find((c) => c.moveLoc === loc);
  }

  /** Creates the child reached by playing loc (the move must be legal). */
  addChild(loc: number): SearchNode {
    const h = this.history.clone();
    h.play(loc, this.nextPla);
    const child = new SearchNode(h, loc);
    this.children.push(child);
    return child;
  }

  /** Number of nodes in this subtree. */
  subtreeSize(): number {
    let n = 1;
    for (const c of this.children) n += c.subtreeSize();
    return n;
  }
}
