// The random bot: a uniformly random legal move (superko included) that does not fill one of its own
// eye-like points; passes when there is none. A baseline opponent and the GTP engine's default bot
// until a network exists. Deterministic given its seed.
import { Rng } from '../../engine/rng.js';
import { PASS, type Color } from '../board/coords.js';
import type { Game } from '../board/game.js';
import type { Bot, BotMove } from './bot.js';

export interface RandomBotOptions {
  /**
   * Pass whenever the opponent has just passed, ending the game. Without it the bot plays on while
   * it has any move, and against an engine that passes with dead stones on the board (GNU Go) the
   * game never ends.
   */
  passAfterPass?: boolean;
}

export class RandomBot implements Bot {
  readonly name: string;
  private readonly rng: Rng;
  private readonly passAfterPass: boolean;

  constructor(seed = 0, opts: RandomBotOptions = {}) {
    this.rng = new Rng(seed);
    this.passAfterPass = opts.passAfterPass ?? false;
    this.name = `random (uniform legal move, never fills its own eyes${this.passAfterPass ? ', answers a pass with a pass' : ''})`;
  }

  async genMove(game: Game, color: Color): Promise<BotMove> {
    const last = game.moves[game.moves.length - 1];
    if (this.passAfterPass && last && last.loc === PASS && last.color !== color) return PASS;
    return randomLegalNonEyeMove(game, color, this.rng);
  }
}

/** A random legal move of `color` in `game` that is not an own eye-like point, or PASS. */
export function randomLegalNonEyeMove(game: Game, color: Color, rng: Rng): number {
  const board = game.board;
  const n = board.numEmpty;
  if (n === 0) return PASS;
  const start = rng.int(n);
  for (let i = 0; i < n; i++) {
    const loc = board.emptyAt((start + i) % n);
    if (board.isEyeLike(loc, color)) continue;
    if (game.isLegal(loc, color)) return loc;
  }
  return PASS;
}
