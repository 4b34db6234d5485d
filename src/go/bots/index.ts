// Bots: anything that picks a move for a position.
export type { Bot, BotMove } from './bot.js';
export { RandomBot, randomLegalNonEyeMove, type RandomBotOptions } from './random.js';
export { GtpEngineBot } from './gtp-engine.js';
export { playGame, type PlayedGame } from './play-game.js';
export { KataGoBot, type KataGoBotOptions } from './katago.js';
export { AttackBot, ATTACK_NAMES, type AttackName, edgeMove, spiralMove, mirrorMove, mirrorPoint } from './attacks.js';
export { spawnGnuGo, gnuGoArgs, type GnuGoOptions } from './gnugo.js';
export { parseBotSpec, createBot, type BotSpec, type BotContext } from './spec.js';
