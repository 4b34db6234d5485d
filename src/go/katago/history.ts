// The game history as KataGo's network inputs see it: a rules-engine Game (moves, legality, superko)
// plus the state KataGo keeps beside it: the boards one and two moves ago (ladder features), white's
// komi bonuses (territory scoring "chills" one point per stone played; handicap stones under the
// N / N-1 white-handicap-bonus rules, counted from the leading black moves as KataGo's GTP engine
// does), consecutive game-ending passes, the positions in which each player passed (simple-ko rules
// end the game when a player passes again in the same position), the button, and whether the game
// has ended (two passes; territory scoring stops at the end of the normal phase, as KataGo's GTP
// engine does without its cleanup phase).
import { BLACK, Board, Game, PASS, WHITE, type Color, type GameSetup, type Rules, opponent } from '../board/index.js';

export class KataGoHistory {
  readonly game: Game;
  /** Boards before the last move and before the one before (the current board while no such move). */
  private prev1: Board;
  private prev2: Board;
  /** White's score bonus from territory-scoring stone counting and the button. */
  whiteBonusScore = 0;
  whiteHandicapBonusScore = 0;
  private whiteHasMoved = false;
  consecutiveEndingPasses = 0;
  private readonly passedIn: [Set<string>, Set<string>] = [new Set(), new Set()];
  hasButton: boolean;
  isGameFinished = false;
  isPastNormalPhaseEnd = false;
  /** Moves that count as history for the network in this phase (capped after the phase ends). */
  numApproxValidTurnsThisPhase = 0;
  /** Position keys since the last pass, for simple-ko no-result by threefold repetition. */
  private koHashHistory: string[] = [];
  /** Black stones on the initial board, or -1 when white stones are there too (no handicap game). */
  private readonly initialBlack: number;

  /** A game from `setup` (default: empty board, black first) with KataGo's bookkeeping. */
  constructor(setup: GameSetup & { rules: Rules; komi: number }) {
    this.game = new Game(setup);
    const b = this.game.board;
    this.prev1 = b.clone();
    this.prev2 = this.prev1;
    this.hasButton = setup.rules.hasButton;
    let black = 0, white = 0;
    for (let i = 0; i < b.stones.length; i++) {
      if (b.stones[i] === BLACK) black++;
      else if (b.stones[i] === WHITE) white++;
    }
    this.initialBlack = white === 0 ? black : -1;
    // Territory scoring counts the setup stones as moves already played.
    if (setup.rules.scoring === 'TERRITORY') this.whiteBonusScore = black - white;
    this.whiteHandicapBonusScore = this.handicapBonus();
    this.koHashHistory.push(this.koKey(b, this.game.toMove));
  }

  /** The history of a rules-engine game: its initial position and moves replayed. */
  static fromGame(game: Game): KataGoHistory {
    const init = game.initialPosition();
    const setup: { x: number; y: number; color: Color }[] = [];
    for (let y = 0; y < init.height; y++) {
      for (let x = 0; x < init.width; x++) {
        const s = init.at(x, y);
        if (s === BLACK || s === WHITE) setup.push({ x, y, color: s });
      }
    }
    const h = new KataGoHistory({ width: game.width, height: game.height, rules: game.rules, komi: game.komi, setup, toMove: game.firstToMove });
    for (const m of game.moves) h.play(m.loc, m.color);
    return h;
  }

  /** An independent copy (for search): playing on it leaves this history unchanged. */
  clone(): KataGoHistory {
    const h = Object.create(KataGoHistory.prototype) as KataGoHistory;
    // Earlier boards are never modified once stored, so they can be shared.
    return Object.assign(h, this, {
      game: this.game.clone(),
      passedIn: [new Set(this.passedIn[0]), new Set(this.passedIn[1])],
      koHashHistory: this.koHashHistory.slice(),
    });
  }

  /** The current position with `pla` to move and no history (as KataGo does when asked about the other player). */
  withoutHistory(pla: Color): KataGoHistory {
    const b = this.board;
    const setup: { x: number; y: number; color: Color }[] = [];
    for (let y = 0; y < b.height; y++) {
      for (let x = 0; x < b.width; x++) {
        const s = b.at(x, y);
        if (s === BLACK || s === WHITE) setup.push({ x, y, color: s });
      }
    }
    const h = new KataGoHistory({ width: b.width, height: b.height, rules: this.rules, komi: this.game.komi, setup, toMove: pla });
    // Territory scoring also counts the stones captured so far as moves played.
    if (this.rules.scoring === 'TERRITORY') h.whiteBonusScore += b.captures[WHITE] - b.captures[BLACK];
    return h;
  }

  get board(): Board {
    return this.game.board;
  }
  get rules(): Rules {
    return this.game.rules;
  }
  get toMove(): Color {
    return this.game.toMove;
  }

  /** The board `n` (1 or 2) moves ago. */
  recentBoard(n: 1 | 2): Board {
    return n === 1 ? this.prev1 : this.prev2;
  }

  private koKey(board: Board, pla: Color): string {
    return `${board.hashLo},${board.hashHi},${pla}`;
  }

  private newConsecutiveEndingPassesAfterPass(): number {
    return this.consecutiveEndingPasses + 1;
  }

  /** Would a pass by pla repeat a position in which pla already passed (simple ko only)? */
  private wouldBeSpightlikeEndingPass(pla: Color): boolean {
    return this.rules.ko === 'SIMPLE' && this.passedIn[pla - 1].has(this.koKey(this.board, pla));
  }

  passWouldEndPhase(pla: Color): boolean {
    return this.newConsecutiveEndingPassesAfterPass() >= 2 || this.wouldBeSpightlikeEndingPass(pla);
  }

  passWouldEndGame(pla: Color): boolean {
    return this.passWouldEndPhase(pla) && this.rules.scoring === 'AREA';
  }

  shouldSuppressEndGameFromFriendlyPass(pla: Color): boolean {
    return this.rules.friendlyPassOk && this.rules.scoring === 'AREA' && this.newConsecutiveEndingPassesAfterPass() === 2 && !this.wouldBeSpightlikeEndingPass(pla);
  }

  /** Komi from pla's point of view, including white's bonuses. */
  selfKomi(pla: Color): number {
    const white = this.whiteBonusScore + this.whiteHandicapBonusScore + this.game.komi;
    return pla === WHITE ? white : -white;
  }

  /**
   * White's handicap bonus: handicap stones as KataGo counts them (black setup stones plus leading
   * black moves, skipping isolated white passes; none if white has setup stones or fewer than two).
   */
  private handicapBonus(): number {
    if (this.rules.whiteHandicapBonus === '0' || this.initialBlack < 0) return 0;
    let black = this.initialBlack;
    const moves = this.game.moves;
    for (let i = 0; i < moves.length; i++) {
      const m = moves[i];
      if (m.color !== BLACK) {
        if (i + 1 < moves.length && moves[i + 1].color !== BLACK) { black = this.initialBlack; break; }
        if (m.loc === PASS) continue;
        break;
      }
      if (m.loc !== PASS) black++;
    }
    const n = black <= 1 ? 0 : black;
    return this.rules.whiteHandicapBonus === 'N' ? n : n > 1 ? n - 1 : 0;
  }

  /** Plays a move (either colour, as GTP allows); throws a clear error when it is illegal. */
  play(loc: number, color: Color): void {
    const before = this.board.clone();
    if (this.isGameFinished || this.isPastNormalPhaseEnd) this.numApproxValidTurnsThisPhase = Math.min(this.numApproxValidTurnsThisPhase, 1);
    const koKeyBefore = this.koKey(before, color);
    this.game.play(loc, color);
    this.isGameFinished = false;
    this.isPastNormalPhaseEnd = false;

    let spightlikeEnd = false;
    if (loc !== PASS) {
      this.consecutiveEndingPasses = 0;
    } else if (this.hasButton) {
      this.hasButton = false;
      this.whiteBonusScore += color === WHITE ? 0.5 : -0.5;
      this.consecutiveEndingPasses = 0;
      this.passedIn[0].clear();
      this.passedIn[1].clear();
    } else {
      if (this.rules.ko === 'SIMPLE') this.koHashHistory = [];
      this.consecutiveEndingPasses++;
      spightlikeEnd = this.rules.ko === 'SIMPLE' && this.passedIn[color - 1].has(koKeyBefore);
      this.passedIn[color - 1].add(koKeyBefore);
    }
    this.prev2 = this.prev1;
    this.prev1 = before;
    this.koHashHistory.push(this.koKey(this.board, opponent(color)));
    this.numApproxValidTurnsThisPhase++;

    if (this.rules.scoring === 'TERRITORY' && loc !== PASS) this.whiteBonusScore += color === BLACK ? 1 : -1;
    if (color === WHITE && loc !== PASS) this.whiteHasMoved = true;
    if (!this.whiteHasMoved && color === BLACK) this.whiteHandicapBonusScore = this.handicapBonus();

    if (this.consecutiveEndingPasses >= 2 || spightlikeEnd) {
      if (this.rules.scoring === 'AREA') {
        this.isGameFinished = true;
      } else {
        this.isPastNormalPhaseEnd = true;
        this.numApproxValidTurnsThisPhase = Math.min(this.numApproxValidTurnsThisPhase, 1);
      }
    }
    if (loc !== PASS && this.rules.ko === 'SIMPLE') {
      const last = this.koHashHistory[this.koHashHistory.length - 1];
      if (this.koHashHistory.filter((k) => k === last).length >= 3) this.isGameFinished = true;
    }
  }
}
