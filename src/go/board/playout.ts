// Random playouts: both sides play uniformly random moves that are legal under simple ko, not
// suicide and not filling their own eye-like points, until two passes in a row or a move cap.
// Used to benchmark the board (playouts per second) and as a sanity check of its bookkeeping.
import { Rng } from '../../engine/rng.js';
import { Board } from './board.js';
import { BLACK, PASS, type Color, opponent } from './coords.js';

/** A random legal, non-suicide move of `color` that does not fill an own eye-like point, or PASS. */
export function randomNonEyeMove(board: Board, color: Color, rng: Rng): number {
  const n = board.numEmpty;
  if (n === 0) return PASS;
  const start = rng.nextUint32() % n;
  for (let i = 0; i < n; i++) {
    let j = start + i;
    if (j >= n) j -= n;
    const loc = board.emptyAt(j);
    if (loc === board.koLoc || board.isEyeLike(loc, color) || board.isSuicide(loc, color)) continue;
    return loc;
  }
  return PASS;
}

/** Plays a random playout on `board` in place; returns the number of moves played (passes included). */
export function randomPlayout(board: Board, toMove: Color, rng: Rng, maxMoves = 3 * board.area): number {
  let passes = 0;
  let moves = 0;
  let color = toMove;
  while (passes < 2 && moves < maxMoves) {
    const loc = randomNonEyeMove(board, color, rng);
    board.play(loc, color);
    passes = loc === PASS ? passes + 1 : 0;
    moves++;
    color = opponent(color);
  }
  return moves;
}

export interface PlayoutBenchResult {
  width: number;
  height: number;
  playouts: number;
  /** Wall-clock time and the CPU time this process got (less affected by other load on the machine). */
  seconds: number;
  cpuSeconds: number;
  playoutsPerSecond: number;
  playoutsPerCpuSecond: number;
  movesPerPlayout: number;
}

/** Runs random playouts from the empty board for about `seconds` (at least `minPlayouts`). */
export function benchPlayouts(opts: { width: number; height?: number; seconds?: number; minPlayouts?: number; seed?: number }): PlayoutBenchResult {
  const width = opts.width;
  const height = opts.height ?? width;
  const seconds = opts.seconds ?? 1;
  const minPlayouts = opts.minPlayouts ?? 10;
  const empty = new Board(width, height);
  const board = empty.clone();
  const rng = new Rng(opts.seed ?? 1);
  let playouts = 0;
  let moves = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (playouts < minPlayouts || elapsed < seconds * 1000) {
    board.copyFrom(empty);
    moves += randomPlayout(board, BLACK, rng);
    playouts++;
    if ((playouts & 15) === 0 || playouts < minPlayouts) elapsed = performance.now() - t0;
  }
  elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    width, height, playouts,
    seconds: elapsed / 1000,
    cpuSeconds,
    playoutsPerSecond: playouts / (elapsed / 1000),
    playoutsPerCpuSecond: playouts / cpuSeconds,
    movesPerPlayout: moves / playouts,
  };
}
