// Pass-alive chains and territory by Benson's algorithm (unconditional life), and the area maps built on
// it, following KataGo v1.17.2's definitions (so input features and scores can match KataGo exactly):
// - regions are connected sets of empty-or-opponent points that contain an empty point;
// - a region is vital to a chain when each of its empty points (each point, when multi-stone suicide is
//   legal) is adjacent to that chain;
// - chains with fewer than two vital regions among the regions not touching an already-removed chain are
//   removed, repeatedly; the rest are pass-alive;
// - a region not touching a removed chain is the player's pass-alive territory when at most one of its
//   points is not adjacent to the player (and the player has a stone on the board at all).
// All maps are indexed y * width + x and hold EMPTY, BLACK or WHITE.
import type { Board } from './board.js';
import { BLACK, EMPTY, WHITE, type Color } from './coords.js';

export interface AreaOptions {
  /** Also mark stones that are not pass-alive with their own colour. */
  nonPassAliveStones?: boolean;
  /** Also mark empty regions (no opponent stones) bordered only by pass-alive chains of the player. */
  safeBigTerritories?: boolean;
  /** Also mark empty regions (no opponent stones) bordered by the player, alive or not (never overwriting). */
  unsafeBigTerritories?: boolean;
}

/**
 * KataGo's calculateArea: pass-alive stones and pass-alive territory of both colours (opponent stones
 * inside are unconditionally dead), plus what the options add.
 */
export function calculateArea(board: Board, multiStoneSuicideLegal: boolean, opts: AreaOptions = {}): Uint8Array {
  const padded = new Uint8Array(board.stones.length);
  markForPlayer(board, BLACK, multiStoneSuicideLegal, !!opts.safeBigTerritories, !!opts.unsafeBigTerritories, padded);
  markForPlayer(board, WHITE, multiStoneSuicideLegal, !!opts.safeBigTerritories, !!opts.unsafeBigTerritories, padded);
  if (opts.nonPassAliveStones) {
    forEachPoint(board, (loc) => {
      if (padded[loc] === EMPTY) padded[loc] = board.stones[loc];
    });
  }
  return toIndexed(board, padded);
}

/** Pass-alive stones and territory only (calculateArea with no options). */
export function passAliveArea(board: Board, multiStoneSuicideLegal: boolean): Uint8Array {
  return calculateArea(board, multiStoneSuicideLegal);
}

/**
 * KataGo's calculateIndependentLifeArea: the "basic area" (pass-alive and big territories plus all other
 * stones) restricted to regions that touch no dame and contain no owner stone in atari (so seki areas
 * drop out), optionally with the basic area's territories and/or stones added back. Also counts each
 * colour's independent-life regions (the group tax takes two points per region); KataGo uses white's
 * count minus black's.
 */
export function independentLifeArea(
  board: Board,
  multiStoneSuicideLegal: boolean,
  opts: { keepTerritories?: boolean; keepStones?: boolean } = {},
): { area: Uint8Array; blackRegions: number; whiteRegions: number } {
  const st = board.stones;
  const basic = new Uint8Array(st.length);
  markForPlayer(board, BLACK, multiStoneSuicideLegal, true, true, basic);
  markForPlayer(board, WHITE, multiStoneSuicideLegal, true, true, basic);
  forEachPoint(board, (loc) => {
    if (basic[loc] === EMPTY) basic[loc] = st[loc];
  });
  const result = new Uint8Array(st.length);
  const adj = board.adj;
  const seki = new Uint8Array(st.length);
  const queue: number[] = [];
  const flood = (start: number, owner: number, mark: Uint8Array, value: number): void => {
    mark[start] = value;
    queue.length = 0;
    queue.push(start);
    while (queue.length) {
      const p = queue.pop()!;
      for (let i = 0; i < 4; i++) {
        const a = p + adj[i];
        if (basic[a] === owner && mark[a] !== value) {
          mark[a] = value;
          queue.push(a);
        }
      }
    }
  };
  forEachPoint(board, (loc) => {
    const owner = basic[loc];
    if (owner === EMPTY || seki[loc]) return;
    const inAtari = st[loc] === owner && board.liberties(loc) === 1;
    let touchesDame = false;
    for (let i = 0; i < 4; i++) {
      const a = loc + adj[i];
      if (st[a] === EMPTY && basic[a] === EMPTY) touchesDame = true;
    }
    if (inAtari || touchesDame) flood(loc, owner, seki, 1);
  });
  let blackRegions = 0;
  let whiteRegions = 0;
  forEachPoint(board, (loc) => {
    const owner = basic[loc];
    if (owner === EMPTY || seki[loc] || result[loc] === owner) return;
    if (owner === WHITE) whiteRegions++;
    else blackRegions++;
    flood(loc, owner, result, owner);
  });
  forEachPoint(board, (loc) => {
    const owner = basic[loc];
    if (owner === EMPTY) return;
    if (opts.keepTerritories && owner !== st[loc]) result[loc] = owner;
    if (opts.keepStones && owner === st[loc]) result[loc] = owner;
  });
  return { area: toIndexed(board, result), blackRegions, whiteRegions };
}

function forEachPoint(board: Board, f: (loc: number) => void): void {
  for (let y = 0; y < board.height; y++) for (let x = 0; x < board.width; x++) f(board.loc(x, y));
}

function toIndexed(board: Board, padded: Uint8Array): Uint8Array {
  const out = new Uint8Array(board.area);
  for (let y = 0; y < board.height; y++) for (let x = 0; x < board.width; x++) out[y * board.width + x] = padded[board.loc(x, y)];
  return out;
}

/** Marks pla's pass-alive stones and territory (and big territories per the flags) into `out` (padded). */
function markForPlayer(board: Board, pla: Color, suicideLegal: boolean, safeBig: boolean, unsafeBig: boolean, out: Uint8Array): void {
  const opp = 3 - pla;
  const st = board.stones;
  const adj = board.adj;
  const regionOf = new Int32Array(st.length).fill(-1);
  const regions: { points: number[]; vital: number[]; internal: number; containsOpp: boolean; touchesDead: boolean }[] = [];
  let atLeastOnePla = false;

  const stack: number[] = [];
  forEachPoint(board, (seed) => {
    if (regionOf[seed] >= 0) return;
    if (st[seed] !== EMPTY) {
      if (st[seed] === pla) atLeastOnePla = true;
      return;
    }
    const idx = regions.length;
    // Candidate vital chains: those adjacent to the seed; every later point filters them.
    const vital: number[] = [];
    for (let i = 0; i < 4; i++) {
      const a = seed + adj[i];
      if (st[a] === pla) {
        const h = board.chainHead(a);
        if (!vital.includes(h)) vital.push(h);
      }
    }
    const region = { points: [] as number[], vital, internal: 0, containsOpp: false, touchesDead: false };
    regions.push(region);
    regionOf[seed] = idx;
    stack.push(seed);
    while (stack.length) {
      const p = stack.pop()!;
      region.points.push(p);
      if (region.vital.length && (suicideLegal || st[p] === EMPTY)) {
        region.vital = region.vital.filter((h) => {
          for (let i = 0; i < 4; i++) {
            const a = p + adj[i];
            if (st[a] === pla && board.chainHead(a) === h) return true;
          }
          return false;
        });
      }
      let internal = true;
      for (let i = 0; i < 4; i++) {
        const a = p + adj[i];
        if (st[a] === pla) internal = false;
        else if ((st[a] === EMPTY || st[a] === opp) && regionOf[a] < 0) {
          regionOf[a] = idx;
          stack.push(a);
        }
      }
      if (internal) region.internal++;
      if (st[p] === opp) region.containsOpp = true;
    }
  });

  const heads: number[] = [];
  forEachPoint(board, (loc) => {
    if (st[loc] === pla && board.chainHead(loc) === loc) heads.push(loc);
  });
  // Benson's iteration to the fixed point: remove chains with fewer than two vital regions among the
  // regions that touch no removed chain.
  const killed = new Set<number>();
  const vitalCount = new Map<number, number>();
  for (;;) {
    vitalCount.clear();
    for (const r of regions) {
      if (r.touchesDead) continue;
      for (const h of r.vital) vitalCount.set(h, (vitalCount.get(h) ?? 0) + 1);
    }
    let changed = false;
    for (const h of heads) {
      if (killed.has(h) || (vitalCount.get(h) ?? 0) >= 2) continue;
      killed.add(h);
      changed = true;
      for (const s of board.chainStones(h)) {
        for (let i = 0; i < 4; i++) {
          const a = s + adj[i];
          if (regionOf[a] >= 0) regions[regionOf[a]].touchesDead = true;
        }
      }
    }
    if (!changed) break;
  }

  for (const h of heads) {
    if (killed.has(h)) continue;
    for (const s of board.chainStones(h)) out[s] = pla;
  }
  for (const r of regions) {
    const mark = atLeastOnePla && !r.touchesDead && (r.internal <= 1 || (safeBig && !r.containsOpp));
    if (mark) {
      for (const p of r.points) out[p] = pla;
    } else if (unsafeBig && atLeastOnePla && !r.containsOpp) {
      for (const p of r.points) if (out[p] === EMPTY) out[p] = pla;
    }
  }
}
