// The Go rules engine: board, game history, rules presets, scoring, pass-alive areas, playouts.
export * from './coords.js';
export { Board } from './board.js';
export { Game, type Move, type GameSetup } from './game.js';
export * from './rules.js';
export * from './scoring.js';
export { calculateArea, passAliveArea, independentLifeArea, type AreaOptions } from './benson.js';
export { randomNonEyeMove, randomPlayout, benchPlayouts, type PlayoutBenchResult } from './playout.js';
