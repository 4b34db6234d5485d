// KataGo-style Monte-Carlo tree search over a KataGoHistory, evaluated through the Evaluator interface.
// As in KataGo, `numThreads` search threads each descend from the root (adding virtual losses along
// the path, so that concurrent descents reach different leaves), evaluate their leaf and back the value
// up, then descend again; up to numThreads leaves are in flight at once. Here the threads take turns
// on Node's one thread in a fixed order (thread t backs up its previous leaf and starts its next one
// while the other threads' evaluations run on worker threads), so a search is deterministic. With one
// thread the evaluation uses all the native backend's compute threads. The tree is kept between moves
// when the new position extends the old one. Terminal positions (two passes) are valued by the exact
// score.
import { Rng } from '../../engine/rng.js';
import { PASS } from '../board/coords.js';
import { kataGoAreaScore, scoreGame } from '../board/scoring.js';
import type { Evaluation, Evaluator } from '../katago/evaluator.js';
import type { KataGoHistory } from '../katago/history.js';
import { addVirtualLosses, backup, removeVirtualLosses } from './backup.js';
import { type LeafValue, SearchNode } from './node.js';
import { addDirichletNoise } from './noise.js';
import { type SearchParams, defaultSearchParams } from './params.js';
import { rootMoveFilter } from './pass-handling.js';
import { type MoveInfo, chooseMove, moveInfos, principalVariation } from './results.js';
import { selectChild } from './selection.js';
import { type UtilityContext, dynamicScoreCenter, resultUtility, scoreUtility } from './utility.js';

export interface SearchOptions {
  seed?: number;
  /** Network symmetry per evaluation: 'random' (KataGo's default) or a fixed 0-7. */
  symmetry?: 'random' | number;
}

export interface SearchResult {
  move: number;
  rootVisits: number;
  /** Visits done by this call (the rest came from tree reuse). */
  newVisits: number;
  /** Network evaluations requested by this call (cache hits included). */
  evals: number;
  /** Batches sent to the evaluator by this call. */
  batches: number;
  /** Win probability for the player to move, from all root playouts. */
  winrate: number;
  whiteLead: number;
  moves: MoveInfo[];
  pv: number[];
}

export class MctsSearch {
  readonly params: SearchParams;
  private readonly evaluator: Evaluator;
  private readonly rng: Rng;
  private readonly symmetry: 'random' | number;
  private root: SearchNode | null = null;
  private ctx: UtilityContext;
  private allowed: ((loc: number) => boolean) | null = null;
  /** Evaluations and batches since construction. */
  evals = 0;
  batches = 0;

  constructor(evaluator: Evaluator, params: Partial<SearchParams> = {}, opts: SearchOptions = {}) {
    this.evaluator = evaluator;
    this.params = defaultSearchParams(params);
    this.rng = new Rng(opts.seed ?? 0);
    this.symmetry = opts.symmetry ?? 'random';
    this.ctx = { params: this.params, sqrtBoardArea: 19, recentScoreCenter: 0 };
  }

  get rootNode(): SearchNode | null {
    return this.root;
  }

  /**
   * Makes `history` the root. With tree reuse, when it extends the current root's game by moves that are
   * in the tree, the subtree is kept; otherwise the tree starts afresh.
   */
  setPosition(history: KataGoHistory): void {
    const reused = this.params.treeReuse && this.root ? descendTo(this.root, history) : null;
    this.root = reused ?? new SearchNode(history.clone(), null);
    this.root.noisedPolicy = null;
  }

  /** Searches the current root until it has params.maxVisits visits (or `maxVisits`). */
  async search(maxVisits = this.params.maxVisits): Promise<SearchResult> {
    const root = this.root;
    if (!root) throw new Error('search: no position set (call setPosition first)');
    const evals0 = this.evals;
    const batches0 = this.batches;
    const visits0 = root.stats.visits;
    const b = root.history.board;
    this.ctx.sqrtBoardArea = Math.sqrt(b.width * b.height);
    this.allowed = rootMoveFilter(root.history, this.params.passingBehavior);
    if (root.terminal) throw new Error('search: the game is over at the root');
    if (!root.policy) {
      // The first playout evaluates the root; its score sets the dynamic centre.
      const [e] = await this.evaluate([root]);
      this.ctx.recentScoreCenter = dynamicScoreCenter(e.whiteScoreSelfplay, this.params, this.ctx.sqrtBoardArea);
      const v = this.setEvaluation(root, e);
      backup([root], v);
    } else {
      const expected = root.stats.visits > 0 ? root.stats.scoreMeanAvg : root.nnValue!.scoreMean;
      this.ctx.recentScoreCenter = dynamicScoreCenter(expected, this.params, this.ctx.sqrtBoardArea);
    }
    if (this.params.rootNoiseEnabled && !root.noisedPolicy) {
      root.noisedPolicy = addDirichletNoise(root.policy!, this.params.rootDirichletNoiseTotalConcentration, this.params.rootDirichletNoiseWeight, this.rng.fork(`noise${root.history.game.moves.length}`));
    }
    await this.runThreads(maxVisits);
    const move = chooseMove(root, this.params, this.allowed, this.rng);
    const whiteWin = 0.5 * (1 + root.stats.winLossAvg);
    return {
      move,
      rootVisits: root.stats.visits,
      newVisits: root.stats.visits - visits0,
      evals: this.evals - evals0,
      batches: this.batches - batches0,
      winrate: root.nextPla === 2 ? whiteWin : 1 - whiteWin,
      whiteLead: root.stats.leadAvg,
      moves: moveInfos(root, this.params, this.allowed),
      pv: principalVariation(root),
    };
  }

  /** Sets the root and searches it. */
  async genMove(history: KataGoHistory): Promise<SearchResult> {
    this.setPosition(history);
    return this.search();
  }

  /**
   * The search threads, in turns until the root has `maxVisits` visits (counting leaves in flight) or
   * no move can be selected: on its turn a thread backs up its evaluated leaf, then descends until it
   * reaches a leaf to evaluate (backing up terminal ones on the way), and leaves that evaluation running.
   * A descent that ends on a leaf another thread is evaluating gives up its turn (KataGo's thread
   * would wait for it).
   */
  private async runThreads(maxVisits: number): Promise<void> {
    const root = this.root!;
    const threads = this.params.numThreads;
    const inFlight: ({ path: SearchNode[]; result: Promise<Evaluation[]> } | null)[] = new Array(threads).fill(null);
    let pending = 0;
    for (;;) {
      for (let t = 0; t < threads; t++) {
        const job = inFlight[t];
        if (job) {
          inFlight[t] = null;
          pending--;
          const [e] = await job.result;
          const leaf = job.path[job.path.length - 1];
          leaf.pending = false;
          backup(job.path, this.setEvaluation(leaf, e));
        }
        while (root.stats.visits + pending < maxVisits) {
          const path = this.descend(root);
          if (!path) break;
          const leaf = path[path.length - 1];
          if (leaf.terminal) {
            backup(path, this.terminalValue(leaf));
            continue;
          }
          if (leaf.pending) {
            removeVirtualLosses(path);
            break;
          }
          leaf.pending = true;
          const result = this.evaluate([leaf], threads > 1);
          // Awaited on this thread's next turn; a failure is reported there, not as unhandled.
          result.catch(() => {});
          inFlight[t] = { path, result };
          pending++;
          break;
        }
      }
      if (pending === 0) return;
    }
  }

  /** Selects down the tree from root to a leaf (a new child, an unevaluated node or a terminal one), adding virtual losses. */
  descend(root: SearchNode): SearchNode[] | null {
    const path = [root];
    let node = root;
    for (;;) {
      if (node.terminal || !node.policy) break;
      const isRoot = node === root;
      const sel = selectChild(node, isRoot, this.params, isRoot ? this.allowed : null);
      if (!sel) {
        if (isRoot) return null;
        break;
      }
      let child = sel.child;
      if (!child) {
        if (!node.history.game.isLegal(sel.loc, node.nextPla)) {
          // The network's legality never disagrees with the rules engine's; guard anyway.
          node.policy[node.policyIndex(sel.loc)] = -1;
          if (node.noisedPolicy) node.noisedPolicy[node.policyIndex(sel.loc)] = -1;
          continue;
        }
        child = node.addChild(sel.loc);
      }
      path.push(child);
      node = child;
      if (child.stats.visits === 0 && !child.pending) break;
    }
    addVirtualLosses(path);
    return path;
  }

  private async evaluate(nodes: SearchNode[], concurrent = false): Promise<Evaluation[]> {
    const positions = nodes.map((n) => ({ history: n.history, symmetry: this.symmetry === 'random' ? this.rng.int(8) : this.symmetry }));
    this.evals += nodes.length;
    this.batches++;
    const out = await this.evaluator.evaluate(positions, { concurrent });
    if (out.length !== nodes.length) throw new Error(`search: evaluator returned ${out.length} evaluations for ${nodes.length} positions`);
    return out;
  }

  /** Stores the network output on the node and returns its value. */
  private setEvaluation(node: SearchNode, e: Evaluation): LeafValue {
    const area = e.width * e.height;
    const policy = new Float32Array(area + 1);
    policy.set(e.policy);
    policy[area] = e.policyPass;
    node.policy = policy;
    const winLoss = e.whiteWin - e.whiteLoss;
    const v: LeafValue = {
      winLoss,
      noResult: e.noResult,
      scoreMean: e.whiteScoreSelfplay,
      scoreMeanSq: e.whiteScoreSelfplaySq,
      lead: e.whiteLead,
      utility: resultUtility(this.ctx, winLoss, e.noResult) + scoreUtility(this.ctx, e.whiteScoreSelfplay, e.whiteScoreSelfplaySq),
    };
    node.nnValue = v;
    return v;
  }

  /** A finished game's value: exact score (KataGo's area score under area rules), or no result after a repetition. */
  terminalValue(node: SearchNode): LeafValue {
    const game = node.history.game;
    const last = game.moves[game.moves.length - 1];
    if (!last || last.loc !== PASS) {
      return { winLoss: 0, noResult: 1, scoreMean: 0, scoreMeanSq: 0, lead: 0, utility: resultUtility(this.ctx, 0, 1) };
    }
    const s = game.rules.scoring === 'AREA' ? kataGoAreaScore(game).whiteMinusBlack : scoreGame(game).whiteMinusBlack;
    const winLoss = s > 0 ? 1 : s < 0 ? -1 : 0;
    return { winLoss, noResult: 0, scoreMean: s, scoreMeanSq: s * s, lead: s, utility: resultUtility(this.ctx, winLoss, 0) + scoreUtility(this.ctx, s, s * s) };
  }
}

/** The node of `root`'s subtree whose position is `history` (same start, more moves), or null. */
function descendTo(root: SearchNode, history: KataGoHistory): SearchNode | null {
  const a = root.history.game;
  const g = history.game;
  if (a.width !== g.width || a.height !== g.height || a.komi !== g.komi || JSON.stringify(a.rules) !== JSON.stringify(g.rules)) return null;
  const ia = a.initialPosition();
  const ig = g.initialPosition();
  if (ia.hashLo !== ig.hashLo || ia.hashHi !== ig.hashHi || a.firstToMove !== g.firstToMove) return null;
  if (g.moves.length < a.moves.length) return null;
  for (let i = 0; i < a.moves.length; i++) if (a.moves[i].loc !== g.moves[i].loc || a.moves[i].color !== g.moves[i].color) return null;
  let node = root;
  for (let i = a.moves.length; i < g.moves.length; i++) {
    const m = g.moves[i];
    if (m.color !== node.nextPla) return null;
    const c = node.childFor(m.loc);
    if (!c) return null;
    node = c;
  }
  return node.terminal ? null : node;
}
