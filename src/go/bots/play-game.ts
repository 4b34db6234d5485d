// Plays one game between two bots on a Game, checking every move with the rules engine, until two
// consecutive passes, a resignation or a move limit.
import { BLACK, type Color, colorName } from '../board/coords.js';
import type { Game } from '../board/game.js';
import { scoreGame } from '../board/scoring.js';
import type { Bot } from './bot.js';

export interface PlayedGame {
  game: Game;
  /** How it ended. */
  end: 'passes' | 'resign' | 'move-limit';
  /** Winner, or null for a draw or a game cut off by the move limit. */
  winner: Color | null;
  /** SGF-style result: "B+3.5", "W+R", "0", or "Void" at the move limit. */
  result: string;
}

export async function playGame(game: Game, bots: { black: Bot; white: Bot }, maxMoves = 4 * game.width * game.height): Promise<PlayedGame> {
  while (!game.isOver) {
    if (game.moves.length >= maxMoves) return { game, end: 'move-limit', winner: null, result: 'Void' };
    const color = game.toMove;
    const bot = color === BLACK ? bots.black : bots.white;
    const move = await bot.genMove(game, color);
    if (move === 'resign') {
      const winner = (3 - color) as Color;
      return { game, end: 'resign', winner, result: `${colorName(winner)}+R` };
    }
    const why = game.illegalReason(move, color);
    if (why) throw new Error(`bot '${bot.name}' playing ${colorName(color)} chose an illegal move at move ${game.moves.length + 1}: ${why}`);
    game.play(move, color);
  }
  const score = scoreGame(game);
  const winner = score.whiteMinusBlack === 0 ? null : score.whiteMinusBlack > 0 ? 2 : 1;
  return { game, end: 'passes', winner: winner as Color | null, result: score.result };
}
