// KataGo's ladder reading, for the ladder input features: is a chain with one liberty (defender to
// move) or two liberties (attacker to move) captured by a sequence of ataris? A minimax search where
// the attacker plays only on the defender's liberties and the defender extends or captures an
// adjacent chain in atari, with KataGo's rules of thumb: the defender escapes once it has two
// liberties or whenever the attacker's last move left a simple-ko point; the attacker wins a
// double-ko-mouth position outright; ko bans at the root are lifted for the defender; a search that
// runs out of depth counts as captured and one that exceeds the node budget as not captured.
import { Board, EMPTY, PASS, type Color, opponent } from '../board/index.js';

const NODE_BUDGET = 25000;

/** Liberties of the chain at loc, in chain order, skipping ones already in out[start..]. */
function pushLiberties(b: Board, loc: number, out: number[], start: number): void {
  const st = b.stones;
  for (const s of b.chainStones(loc)) {
    for (let i = 0; i < 4; i++) {
      const lib = s + b.adj[i];
      if (st[lib] === EMPTY && out.indexOf(lib, start) < 0) out.push(lib);
    }
  }
}

/** Moves capturing an opponent chain in atari next to the chain at loc (their lone liberties). */
function pushLibertyGainingCaptures(b: Board, loc: number, out: number[], start: number): void {
  const opp = opponent(b.stones[loc] as Color);
  const checked: number[] = [];
  for (const s of b.chainStones(loc)) {
    for (let i = 0; i < 4; i++) {
      const a = s + b.adj[i];
      if (b.stones[a] !== opp || b.liberties(a) !== 1) continue;
      const h = b.chainHead(a);
      if (checked.includes(h)) continue;
      checked.push(h);
      pushLiberties(b, a, out, start);
    }
  }
}

function hasLibertyGainingCaptures(b: Board, loc: number): boolean {
  const opp = opponent(b.stones[loc] as Color);
  for (const s of b.chainStones(loc)) {
    for (let i = 0; i < 4; i++) {
      const a = s + b.adj[i];
      if (b.stones[a] === opp && b.liberties(a) === 1) return true;
    }
  }
  return false;
}

function immediateLiberties(b: Board, loc: number): number {
  let n = 0;
  for (let i = 0; i < 4; i++) if (b.stones[loc + b.adj[i]] === EMPTY) n++;
  return n;
}

/** Fast bounds on the liberties a stone of pla at loc would have. */
function libertyBoundsAfterPlay(b: Board, loc: number, pla: Color): [number, number] {
  const opp = opponent(pla);
  let immediate = 0, caps = 0, capStones = 0, connSum = 0, connMax = 0;
  for (let i = 0; i < 4; i++) {
    const a = loc + b.adj[i];
    const s = b.stones[a];
    if (s === EMPTY) immediate++;
    else if (s === opp) {
      if (b.liberties(a) === 1) { caps++; capStones += b.chainSize(a); }
    } else if (s === pla) {
      const l = b.liberties(a) - 1;
      connSum += l;
      if (l > connMax) connMax = l;
    }
  }
  return [caps + Math.max(connMax, immediate), immediate + capStones + connSum];
}

/** Exact liberties a stone of pla at loc would have, capped at max. */
function libertiesAfterPlay(b: Board, loc: number, pla: Color, max: number): number {
  const opp = opponent(pla);
  const libs: number[] = [];
  const captured: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = loc + b.adj[i];
    if (b.stones[a] === EMPTY) {
      libs.push(a);
      if (libs.length >= max) return max;
    } else if (b.stones[a] === opp && b.liberties(a) === 1) {
      libs.push(a);
      if (libs.length >= max) return max;
      const h = b.chainHead(a);
      if (!captured.includes(h)) captured.push(h);
    }
  }
  const wouldBeEmpty = (p: number): boolean => b.stones[p] === EMPTY || (b.stones[p] === opp && captured.includes(b.chainHead(p)));
  const connected: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = loc + b.adj[i];
    if (b.stones[a] !== pla) continue;
    const h = b.chainHead(a);
    if (connected.includes(h)) continue;
    connected.push(h);
    for (const s of b.chainStones(a)) {
      for (let k = 0; k < 4; k++) {
        const p = s + b.adj[k];
        if (p !== loc && wouldBeEmpty(p) && !libs.includes(p)) {
          libs.push(p);
          if (libs.length >= max) return max;
        }
      }
    }
  }
  return libs.length;
}

/** Would pla at loc capture exactly one lone stone, surrounded by opponent stones and walls? */
function wouldBeKoCapture(b: Board, loc: number, pla: Color): boolean {
  if (b.stones[loc] !== EMPTY) return false;
  const opp = opponent(pla);
  let capturable = -1;
  for (let i = 0; i < 4; i++) {
    const a = loc + b.adj[i];
    const s = b.stones[a];
    if (s !== opp && b.isOnBoard(a)) return false;
    if (s === opp && b.liberties(a) === 1) {
      if (capturable >= 0) return false;
      capturable = a;
    }
  }
  return capturable >= 0 && b.chainSize(capturable) === 1;
}

function connectionHeuristicX2(b: Board, loc: number, pla: Color): number {
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const a = loc + b.adj[i];
    if (b.stones[a] === pla) {
      const l = b.liberties(a);
      if (l > 1) n += l * 2 - 3;
    }
  }
  return n;
}

function isLegalNoSuicide(b: Board, loc: number, pla: Color): boolean {
  return b.stones[loc] === EMPTY && loc !== b.koLoc && !b.isSuicide(loc, pla);
}

function isAdjacent(b: Board, p: number, q: number): boolean {
  for (let i = 0; i < 4; i++) if (p + b.adj[i] === q) return true;
  return false;
}

class BudgetExceeded extends Error {}

/** A reusable ladder reader for boards of one size (keeps a stack of scratch boards). */
export class LadderReader {
  private readonly stack: Board[] = [];
  private nodes = 0;
  private maxDepth = 0;

  private boardAt(depth: number, like: Board): Board {
    let b = this.stack[depth];
    if (!b || b.width !== like.width || b.height !== like.height) {
      b = new Board(like.width, like.height);
      this.stack[depth] = b;
    }
    return b;
  }

  /**
   * Is the chain at loc (one or two liberties) captured in a ladder? With one liberty the defender
   * moves first; with two the attacker does, and `workingMoves` receives the attacker's first moves
   * that work.
   */
  isLadderCaptured(board: Board, loc: number, workingMoves: number[]): boolean {
    workingMoves.length = 0;
    const libs = board.liberties(loc);
    this.maxDepth = Math.floor((board.width * board.height * 3) / 2) + 1;
    this.nodes = 0;
    if (libs === 1) return this.run(board, loc, 0);
    if (libs !== 2) return false;
    const pla = board.stones[loc] as Color;
    const opp = opponent(pla);
    const moves: number[] = [];
    pushLiberties(board, loc, moves, 0);
    for (const m of moves) {
      if (!isLegalNoSuicide(board, m, opp)) continue;
      const b = this.boardAt(0, board);
      b.copyFrom(board);
      b.play(m, opp);
      this.nodes = 0;
      if (this.run(b, loc, 1)) workingMoves.push(m);
    }
    return workingMoves.length > 0;
  }

  /** Defender-first search from `root` copied into the stack at `depth` with its ko point lifted. */
  private run(root: Board, loc: number, depth: number): boolean {
    const b = this.boardAt(depth, root);
    if (b !== root) b.copyFrom(root);
    b.koLoc = PASS;
    try {
      return this.search(b, loc, depth, 0);
    } catch (e) {
      if (e instanceof BudgetExceeded) return false;
      throw e;
    }
  }

  /** Minimax at stack level `level` (even levels: defender to move). Returns "captured". */
  private search(b: Board, loc: number, depth: number, level: number): boolean {
    if (level >= this.maxDepth - 1) return true;
    if (this.nodes >= NODE_BUDGET) throw new BudgetExceeded();
    const isDefender = level % 2 === 0;
    const pla = b.stones[loc] as Color;
    const opp = opponent(pla);
    const libs = b.liberties(loc);
    if (!isDefender && libs <= 1) return true;
    if (!isDefender && libs >= 3) return false;
    if (isDefender && libs >= 2) return false;
    if (isDefender && b.koLoc !== PASS) return false;

    const moves: number[] = [];
    if (isDefender) {
      pushLibertyGainingCaptures(b, loc, moves, 0);
      pushLiberties(b, loc, moves, 0);
      const [lower, upper] = libertyBoundsAfterPlay(b, moves[moves.length - 1], pla);
      if (lower >= 3) return false;
      if (moves.length === 1 && upper <= 1) return true;
    } else {
      pushLiberties(b, loc, moves, 0);
      let libs0 = immediateLiberties(b, moves[0]);
      let libs1 = immediateLiberties(b, moves[1]);
      if (libs0 === 0 && libs1 === 0 && wouldBeKoCapture(b, moves[0], opp) && wouldBeKoCapture(b, moves[1], opp)) {
        if (libertiesAfterPlay(b, moves[0], pla, 3) <= 2 && libertiesAfterPlay(b, moves[1], pla, 3) <= 2 && !hasLibertyGainingCaptures(b, loc)) return true;
      }
      if (!isAdjacent(b, moves[0], moves[1])) {
        if (libs0 >= 3 && libs1 >= 3) return false;
        if (libs0 >= 3) moves.length = 1;
        else if (libs1 >= 3) { moves[0] = moves[1]; moves.length = 1; }
      }
      if (moves.length > 1) {
        libs0 = libs0 * 2 + connectionHeuristicX2(b, moves[0], pla);
        libs1 = libs1 * 2 + connectionHeuristicX2(b, moves[1], pla);
        if (libs1 > libs0) { const t = moves[0]; moves[0] = moves[1]; moves[1] = t; }
      }
    }

    const mover = isDefender ? pla : opp;
    const child = this.boardAt(depth + 1, b);
    for (const m of moves) {
      if (!isLegalNoSuicide(b, m, mover)) continue;
      if (this.nodes >= NODE_BUDGET) throw new BudgetExceeded();
      child.copyFrom(b);
      child.play(m, mover);
      this.nodes++;
      const captured = this.search(child, loc, depth + 1, level + 1);
      if (isDefender && !captured) return false;
      if (!isDefender && captured) return true;
    }
    return isDefender;
  }
}

/**
 * Calls f for every stone (scanning rows top to bottom) in a chain of one or two liberties that is
 * captured in a ladder, with the attacker's working first moves for a two-liberty chain (given only
 * for the first stone of each chain, as KataGo does).
 */
export function forEachLadderedStone(reader: LadderReader, board: Board, f: (loc: number, workingMoves: readonly number[]) => void): void {
  const solved = new Map<number, boolean>();
  const working: number[] = [];
  const none: number[] = [];
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      const s = board.stones[loc];
      if (s === EMPTY) continue;
      const libs = board.liberties(loc);
      if (libs !== 1 && libs !== 2) continue;
      const head = board.chainHead(loc);
      const known = solved.get(head);
      if (known !== undefined) {
        if (known) f(loc, none);
        continue;
      }
      const laddered = reader.isLadderCaptured(board, loc, working);
      solved.set(head, laddered);
      if (laddered) f(loc, libs === 1 ? none : working);
    }
  }
}
