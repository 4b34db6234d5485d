// A bot chooses a move for a position. Everything that plays Go (random play, GNU Go over GTP, and
// later the searching network and the hard-coded attacks) implements this, so matches and the GTP
// engine need no special cases.
import type { Color } from '../board/coords.js';
import type { Game } from '../board/game.js';

/** A board location, PASS (-1), or resignation. */
export type BotMove = number | 'resign';

export interface Bot {
  /** Short description shown by GTP `name` and in match reports. */
  readonly name: string;
  /** A legal move for `color` in the game's current position (the game is not modified). */
  genMove(game: Game, color: Color): Promise<BotMove>;
  /** Releases resources (child processes); the bot is unusable afterwards. */
  close?(): Promise<void>;
}
