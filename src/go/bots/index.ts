// Bots: anything that picks a move for a position.
export type { Bot, BotMove } from './bot.js';
export { RandomBot, randomLegalNonEyeMove, type RandomBotOptions } from './random.js';
export { GtpEngineBot } from './gtp-engine.js';
export { playGame, type PlayedGame } from './play-game.js';
