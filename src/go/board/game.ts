// A game: a board plus everything that depends on history: whose turn it is, the ko rule (simple ko
// from the board, positional or situational superko from the set of earlier position hashes),
// passes and the end of the game, the button, and undo (by replaying the move list from the initial
// position). As in KataGo: the game ends after two consecutive passes, or under simple ko when a
// player passes in a position (same stones, same player to move) in which they passed before; under
// button rules the first pass takes the button, does not count towards the two, and starts a fresh
// superko history (positions with the button still on the table are different positions).
import { Board } from './board.js';
import { BLACK, PASS, WHITE, type Color, colorName, opponent, toGtpVertex } from './coords.js';
import { type Rules, rulesPreset } from './rules.js';
import { ZOBRIST, hashKey } from './zobrist.js';

export interface Move {
  color: Color;
  /** Board location, or PASS. */
  loc: number;
}

export interface GameSetup {
  width: number;
  height?: number;
  rules?: Rules;
  komi?: number;
  /** Stones on the board before the first move (handicap or SGF setup). */
  setup?: { x: number; y: number; color: Color }[];
  /** Who moves first (default black). */
  toMove?: Color;
}

export class Game {
  readonly width: number;
  readonly height: number;
  rules: Rules;
  komi: number;
  board: Board;
  toMove: Color;
  readonly moves: Move[] = [];
  /** Consecutive game-ending passes at the end of the move list (the button-taking pass does not count). */
  consecutivePasses = 0;
  /** The last move was a pass in a position where the same player had passed before (simple ko only). */
  private repeatedPassEnd = false;
  /** Who passed first in the game (takes the button under button rules), if anyone. */
  buttonTakenBy: Color | null = null;

  private readonly initialBoard: Board;
  private readonly initialToMove: Color;
  private readonly seen = new Set<number>();
  /** Keys (stones and player to move) of the positions in which black / white passed. */
  private readonly passedIn: [Set<number>, Set<number>] = [new Set(), new Set()];

  constructor(s: GameSetup) {
    this.width = s.width;
    this.height = s.height ?? s.width;
    this.rules = s.rules ? { ...s.rules } : rulesPreset('tromp-taylor').rules;
    this.komi = s.komi ?? 7.5;
    const board = new Board(this.width, this.height);
    if (s.setup?.length) board.setStones(s.setup.map((p) => ({ loc: board.locOfPoint(p), color: p.color })));
    this.initialBoard = board;
    this.initialToMove = s.toMove ?? BLACK;
    this.board = board.clone();
    this.toMove = this.initialToMove;
    this.seen.add(this.positionKey(this.board.hashLo, this.board.hashHi, this.toMove));
  }

  /** The stones on the board before the first move, as a fresh Board. */
  initialPosition(): Board {
    return this.initialBoard.clone();
  }
  get firstToMove(): Color {
    return this.initialToMove;
  }

  get isOver(): boolean {
    return this.consecutivePasses >= 2 || this.repeatedPassEnd;
  }

  /** Key of a position for the superko history (situational keys include the player to move). */
  private positionKey(lo: number, hi: number, toMove: Color): number {
    if (this.rules.ko === 'SITUATIONAL' && toMove === WHITE) {
      lo ^= ZOBRIST.whiteToMove[0];
      hi ^= ZOBRIST.whiteToMove[1];
    }
    return hashKey(lo >>> 0, hi >>> 0);
  }

  /** Why color may not play at loc now, or null when the move is legal. Passing is always legal. */
  illegalReason(loc: number, color: Color = this.toMove): string | null {
    if (loc === PASS) return null;
    const simpleKo = this.rules.ko === 'SIMPLE';
    const r = this.board.illegalReason(loc, color, this.rules.suicide, simpleKo);
    if (r) return r;
    if (!simpleKo) {
      const [lo, hi] = this.board.hashAfterPlay(loc, color);
      if (this.seen.has(this.positionKey(lo, hi, opponent(color)))) return `${this.rules.ko.toLowerCase()} superko`;
    }
    return null;
  }

  isLegal(loc: number, color: Color = this.toMove): boolean {
    if (loc === PASS) return true;
    const simpleKo = this.rules.ko === 'SIMPLE';
    if (!this.board.isLegalIgnoringSuperko(loc, color, this.rules.suicide, simpleKo)) return false;
    if (simpleKo) return true;
    const [lo, hi] = this.board.hashAfterPlay(loc, color);
    return !this.seen.has(this.positionKey(lo, hi, opponent(color)));
  }

  /** Plays a move (either colour may play, as GTP allows); throws a clear error if it is illegal. */
  play(loc: number, color: Color = this.toMove): void {
    const reason = this.illegalReason(loc, color);
    if (reason) {
      const where = loc === PASS ? 'pass' : this.board.isOnBoard(loc) ? toGtpVertex(this.board.pointOf(loc), this.height) : `location ${loc}`;
      throw new Error(`illegal move ${colorName(color)} ${where}: ${reason}`);
    }
    this.apply(loc, color);
  }

  private apply(loc: number, color: Color): void {
    const takesButton = loc === PASS && this.buttonTakenBy === null && this.rules.hasButton;
    this.repeatedPassEnd = false;
    if (loc === PASS && !takesButton) {
      const w = color === WHITE ? ZOBRIST.whiteToMove : [0, 0];
      const key = hashKey((this.board.hashLo ^ w[0]) >>> 0, (this.board.hashHi ^ w[1]) >>> 0);
      const passed = this.passedIn[color - 1];
      this.repeatedPassEnd = this.rules.ko === 'SIMPLE' && passed.has(key);
      passed.add(key);
    }
    this.board.play(loc, color);
    if (loc === PASS) {
      if (this.buttonTakenBy === null) this.buttonTakenBy = color;
      if (takesButton) {
        this.consecutivePasses = 0;
        this.seen.clear();
        this.passedIn[0].clear();
        this.passedIn[1].clear();
      } else {
        this.consecutivePasses++;
      }
    } else {
      this.consecutivePasses = 0;
    }
    this.moves.push({ color, loc });
    this.toMove = opponent(color);
    this.seen.add(this.positionKey(this.board.hashLo, this.board.hashHi, this.toMove));
  }

  /** Takes back the last move; returns false when there is none. */
  undo(): boolean {
    if (!this.moves.length) return false;
    const moves = this.moves.slice(0, -1);
    this.reset();
    for (const m of moves) this.apply(m.loc, m.color);
    return true;
  }

  /** Back to the initial position, keeping rules and komi. */
  reset(): void {
    this.board = this.initialBoard.clone();
    this.toMove = this.initialToMove;
    this.moves.length = 0;
    this.consecutivePasses = 0;
    this.repeatedPassEnd = false;
    this.buttonTakenBy = null;
    this.seen.clear();
    this.passedIn[0].clear();
    this.passedIn[1].clear();
    this.seen.add(this.positionKey(this.board.hashLo, this.board.hashHi, this.toMove));
  }

  /**
   * Changes the rules. The superko history is rebuilt (situational keys differ from positional ones)
   * by replaying the game.
   */
  setRules(rules: Rules): void {
    this.rules = { ...rules };
    const moves = this.moves.slice();
    this.reset();
    for (const m of moves) this.apply(m.loc, m.color);
  }

  /**
   * Empty points where color's move would be legal by the single-move rules (occupancy, suicide) but is
   * banned by the ko rule in force (simple ko point, or a superko repetition).
   */
  koBanned(color: Color = this.toMove): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.board.numEmpty; i++) {
      const loc = this.board.emptyAt(i);
      if (this.board.isLegalIgnoringSuperko(loc, color, this.rules.suicide, false) && !this.isLegal(loc, color)) out.push(loc);
    }
    return out.sort((a, b) => a - b);
  }

  /** Every legal location for color (passes excluded). */
  legalMoves(color: Color = this.toMove): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.board.numEmpty; i++) {
      const loc = this.board.emptyAt(i);
      if (this.isLegal(loc, color)) out.push(loc);
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Number of handicap stones for whiteHandicapBonus, counted as KataGo's GTP engine does: black
   * stones of an initial position without white stones, plus black's moves before white's first real
   * move (isolated white passes in between are skipped; two white moves in a row mean no handicap);
   * a total of one is an ordinary first move, so 0. Like KataGo, which recounts after each black move
   * only until white's first real move, it counts the moves up to the last black one before that.
   */
  handicapStones(): number {
    const b = this.initialBoard;
    let black = 0;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const s = b.at(x, y);
        if (s === WHITE) return 0;
        if (s === BLACK) black++;
      }
    }
    let counted = 0;
    for (let i = 0; i < this.moves.length; i++) {
      const m = this.moves[i];
      if (m.color === WHITE && m.loc !== PASS) break;
      if (m.color === BLACK) counted = i + 1;
    }
    let leading = 0;
    for (let i = 0; i < counted; i++) {
      const m = this.moves[i];
      if (m.color !== BLACK) {
        const next = i + 1 < counted ? this.moves[i + 1] : undefined;
        if (next && next.color !== BLACK) { leading = 0; break; }
        if (m.loc === PASS) continue;
        break;
      }
      if (m.loc !== PASS) leading++;
    }
    const total = black + leading;
    return total <= 1 ? 0 : total;
  }

  /** A copy that can be played on independently (copies boards and history; no replay). */
  clone(): Game {
    const g = new Game({ width: this.width, height: this.height, rules: this.rules, komi: this.komi, toMove: this.initialToMove });
    g.initialBoard.copyFrom(this.initialBoard);
    g.board.copyFrom(this.board);
    g.toMove = this.toMove;
    g.moves.push(...this.moves.map((m) => ({ ...m })));
    g.consecutivePasses = this.consecutivePasses;
    g.repeatedPassEnd = this.repeatedPassEnd;
    g.buttonTakenBy = this.buttonTakenBy;
    g.seen.clear();
    for (const k of this.seen) g.seen.add(k);
    for (const c of [0, 1]) for (const k of this.passedIn[c]) g.passedIn[c].add(k);
    return g;
  }
}
