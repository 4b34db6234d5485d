// Network evaluation speed: full evaluations (features, network, post-processing) per second on
// mid-game positions reached by seeded random legal moves, in batches, as for `npm run bench`.
import { Rng } from '../../engine/rng.js';
import { rulesPreset } from '../board/index.js';
import type { Evaluator } from './evaluator.js';
import { KataGoHistory } from './history.js';

export interface EvalBenchOptions {
  boardSize: number;
  batch: number;
  /** Measure for at least this long, after one warm-up batch. */
  seconds: number;
  /** Random moves played into each position (default 60, capped by the board). */
  moves?: number;
  seed?: number;
}

export interface EvalBenchResult {
  evalsPerSecond: number;
  batches: number;
  board: number;
  batch: number;
  /** Mean wall time of one batch. */
  msPerBatch: number;
  /** Process CPU time (all threads) per evaluation, ms: less disturbed than the rate by other processes. */
  cpuMsPerEval: number;
}

/** Positions after `moves` random legal moves each (tromp-taylor, komi 7.5). */
export function randomPositions(count: number, boardSize: number, moves: number, seed: number): KataGoHistory[] {
  const rng = new Rng(seed);
  const out: KataGoHistory[] = [];
  for (let i = 0; i < count; i++) {
    const h = new KataGoHistory({ width: boardSize, rules: rulesPreset('tromp-taylor').rules, komi: 7.5 });
    for (let m = 0; m < moves; m++) {
      const legal = h.game.legalMoves();
      if (!legal.length) break;
      h.play(legal[rng.int(legal.length)], h.toMove);
    }
    out.push(h);
  }
  return out;
}

export async function benchEvaluator(evaluator: Evaluator, opts: EvalBenchOptions): Promise<EvalBenchResult> {
  const moves = Math.min(opts.moves ?? 60, Math.floor((opts.boardSize * opts.boardSize) / 3));
  const positions = randomPositions(opts.batch, opts.boardSize, moves, opts.seed ?? 1).map((history, i) => ({ history, symmetry: i % 8 }));
  await evaluator.evaluate(positions);
  let batches = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < opts.seconds * 1000 || batches === 0) {
    await evaluator.evaluate(positions);
    batches++;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    evalsPerSecond: (batches * opts.batch * 1000) / elapsed, batches, board: opts.boardSize, batch: opts.batch, msPerBatch: elapsed / batches,
    cpuMsPerEval: (cpu.user + cpu.system) / 1000 / (batches * opts.batch),
  };
}
