// Zobrist keys: a constant table of 64-bit keys, each as two 32-bit words, generated from a fixed
// seed so hashes are the same in every run and process. Keyed by (x, y, colour) on the largest board,
// plus one key for "white to move" (situational superko) and one per board width and height.
import { Rng } from '../../engine/rng.js';
import { MAX_SIZE } from './coords.js';

const ZOBRIST_SEED = 0x5eed_60;

function buildTable(): { points: Uint32Array; whiteToMove: [number, number]; sizes: Uint32Array } {
  const rng = new Rng(ZOBRIST_SEED);
  // points[((y * MAX_SIZE + x) * 2 + (colour - 1)) * 2 + word]
  const points = new Uint32Array(MAX_SIZE * MAX_SIZE * 2 * 2);
  for (let i = 0; i < points.length; i++) points[i] = rng.nextUint32();
  const whiteToMove: [number, number] = [rng.nextUint32(), rng.nextUint32()];
  // sizes[(axis * (MAX_SIZE + 1) + n) * 2 + word], axis 0 = width, 1 = height
  const sizes = new Uint32Array(2 * (MAX_SIZE + 1) * 2);
  for (let i = 0; i < sizes.length; i++) sizes[i] = rng.nextUint32();
  return { points, whiteToMove, sizes };
}

export const ZOBRIST = buildTable();

/** Folds a two-word hash into one number usable as a Set/Map key (53 bits). */
export function hashKey(lo: number, hi: number): number {
  return (hi >>> 11) * 4294967296 + (lo >>> 0);
}
