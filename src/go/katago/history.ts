// The game history as KataGo's network inputs see it: a rules-engine Game (moves, legality, superko)
// plus the state KataGo keeps beside it: the boards one and two moves ago (ladder features), white's
// komi bonuses (territory scoring "chills" one point per stone played; handicap stones under the
// N / N-1 white-handicap-bonus rules, counted from the leading black moves as KataGo's GTP engine
// does), consecutive game-ending passes, the positions in which each player passed (simple-ko rules
// end the game when a player passes again in the same position), the button, and whether the game
// has ended (two passes; territory scoring stops at the end of the normal phase, as KataGo's GTP
// engine does without its cleanup phase).
import { BLACK, Board, Game, PASS, WHITE, type Color, type Rules, opponent } from '../board/index.js';

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

  constructor(width: number, height: number, rules: Rules, komi: number) {
    this.game = new Game({ width, height, rules, komi });
    this.prev1 = this.game.board.clone();
    this.prev2 = this.prev1;
    this.hasButton = rules.hasButton;
    this.koHashHistory.push(this.koKey(this.game.board, BLACK));
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

  /** Handicap stones as KataGo counts them: leading black moves, skipping isolated white passes. */
  private handicapStones(): number {
    let black = 0;
    const moves = this.game.moves;
    for (let i = 0; i < moves.length; i++) {
      const m = moves[i];
      if (m.color !== BLACK) {
        if (i + 1 < moves.length && moves[i + 1].color !== BLACK) { black = 0; break; }
        if (m.loc === PASS) continue;
        break;
      }
      if (m.loc !== PASS) black++;
    }
    return black <= 1 ? 0 : black;
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
    if (!this.whiteHasMoved && color === BLACK && this.rules.whiteHandicapBonus !== '0') {
      const n = this.handicapStones();
      this.whiteHandicapBonusScore = this.rules.whiteHandicapBonus === 'N' ? n : n > 1 ? n - 1 : 0;
    }

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
