// Pass-alive chains and territory by Benson's algorithm (unconditional life), and the area maps built on
// it, following KataGo v1.17.2's definitions (so input features and scores can match KataGo exactly):
// - regions are connected sets of empty-or-opponent points that contain an empty point;
// - a region is vital to a chain when each of its empty points (each point, when multi-stone suicide is
//   legal) is adjacent to that chain;
// - chains with fewer than two vital regions among the regions not touching an already-removed chain are
//   removed, repeatedly; the rest are pass-alive;
// - a region not touching a removed chain is the player's pass-alive territory when at most one of its
//   points is not adjacent to the player (and the player has a stone on the board at all).
// Maps hold EMPTY, BLACK or WHITE, indexed y * width + x (the *Padded variants: by board location).
// This is the one implementation: the rules engine (scoring, GTP final_status_list, search pass
// handling) and the KataGo input features (katago/features.ts) both use it.
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
  return toIndexed(board, calculateAreaPadded(board, multiStoneSuicideLegal, opts));
}

/** calculateArea indexed by board location (`board.stones` layout), as the network's input features read it. */
export function calculateAreaPadded(board: Board, multiStoneSuicideLegal: boolean, opts: AreaOptions = {}): Uint8Array {
  const padded = new Uint8Array(board.stones.length);
  markForPlayer(board, BLACK, multiStoneSuicideLegal, !!opts.safeBigTerritories, !!opts.unsafeBigTerritories, padded);
  markForPlayer(board, WHITE, multiStoneSuicideLegal, !!opts.safeBigTerritories, !!opts.unsafeBigTerritories, padded);
  if (opts.nonPassAliveStones) {
    forEachPoint(board, (loc) => {
      if (padded[loc] === EMPTY) padded[loc] = board.stones[loc];
    });
  }
  return padded;
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
  const r = independentLifeAreaPadded(board, multiStoneSuicideLegal, opts);
  return { ...r, area: toIndexed(board, r.area) };
}

/** independentLifeArea indexed by board location (`board.stones` layout). */
export function independentLifeAreaPadded(
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
  return { area: result, blackRegions, whiteRegions };
}

function forEachPoint(board: Board, f: (loc: number) => void): void {
  for (let y = 0; y < board.height; y++) for (let x = 0; x < board.width; x++) f(board.loc(x, y));
}

function toIndexed(board: Board, padded: Uint8Array): Uint8Array {
  const out = new Uint8Array(board.area);
  for (let y = 0; y < board.height; y++) for (let x = 0; x < board.width; x++) out[y * board.width + x] = padded[board.loc(x, y)];
  return out;
}

/** Marks pla's pass-alive stones and territory (and big territories per the flags) into `result` (padded). */
function markForPlayer(board: Board, pla: Color, suicideLegal: boolean, safeBig: boolean, unsafeBig: boolean, result: Uint8Array): void {
  const opp = 3 - pla;
  const st = board.stones;
  const adj = board.adj;
  const n = st.length;
  const area = board.area;
  // Regions of empty-or-opponent points, each stored contiguously in `order` from regionStart.
  const regionOf = new Int32Array(n).fill(-1);
  const order = new Int32Array(area);
  const regionStart = new Int32Array(area + 1);
  // Up to 4 chain heads a region may be vital for (all its points adjacent to the chain).
  const vital = new Int32Array(area * 4);
  const vitalLen = new Uint8Array(area);
  const internal = new Uint8Array(area);
  const containsOpp = new Uint8Array(area);
  const bordersDead = new Uint8Array(area);
  let numRegions = 0;
  let filled = 0;
  let atLeastOnePla = false;
  const adjacentToChain = (p: number, head: number): boolean => {
    for (let i = 0; i < 4; i++) {
      const a = p + adj[i];
      if (st[a] === pla && board.chainHead(a) === head) return true;
    }
    return false;
  };

  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const seed = board.loc(x, y);
      if (regionOf[seed] >= 0) continue;
      if (st[seed] !== EMPTY) {
        if (st[seed] === pla) atLeastOnePla = true;
        continue;
      }
      const r = numRegions++;
      regionStart[r] = filled;
      let vl = 0;
      for (let i = 0; i < 4; i++) {
        const a = seed + adj[i];
        if (st[a] !== pla) continue;
        const h = board.chainHead(a);
        let dup = false;
        for (let k = 0; k < vl; k++) if (vital[r * 4 + k] === h) dup = true;
        if (!dup) vital[r * 4 + vl++] = h;
      }
      regionOf[seed] = r;
      order[filled++] = seed;
      for (let qi = regionStart[r]; qi < filled; qi++) {
        const p = order[qi];
        if (vl > 0 && (suicideLegal || st[p] === EMPTY)) {
          let kept = 0;
          for (let k = 0; k < vl; k++) {
            const h = vital[r * 4 + k];
            if (adjacentToChain(p, h)) vital[r * 4 + kept++] = h;
          }
          vl = kept;
        }
        let nextToPla = false;
        for (let i = 0; i < 4; i++) {
          const a = p + adj[i];
          const s = st[a];
          if (s === pla) nextToPla = true;
          else if ((s === EMPTY || s === opp) && regionOf[a] < 0) {
            regionOf[a] = r;
            order[filled++] = a;
          }
        }
        if (!nextToPla && internal[r] < 2) internal[r]++;
        if (st[p] === opp) containsOpp[r] = 1;
      }
      vitalLen[r] = vl;
    }
  }
  regionStart[numRegions] = filled;

  // Benson: chains with fewer than two vital regions die; regions next to dead chains stop counting.
  const heads: number[] = [];
  const vitalCount = new Int32Array(n);
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (st[loc] === pla && board.chainHead(loc) === loc) heads.push(loc);
    }
  }
  for (let r = 0; r < numRegions; r++) for (let k = 0; k < vitalLen[r]; k++) vitalCount[vital[r * 4 + k]]++;
  const killed = new Uint8Array(n);
  for (let changed = true; changed;) {
    changed = false;
    for (const h of heads) {
      if (killed[h] || vitalCount[h] >= 2) continue;
      killed[h] = 1;
      changed = true;
      let s = h;
      do {
        for (let i = 0; i < 4; i++) {
          const r = regionOf[s + adj[i]];
          if (r < 0 || bordersDead[r]) continue;
          bordersDead[r] = 1;
          for (let k = 0; k < vitalLen[r]; k++) vitalCount[vital[r * 4 + k]]--;
        }
        s = board.nextInChain(s);
      } while (s !== h);
    }
  }

  for (const h of heads) {
    if (killed[h]) continue;
    let s = h;
    do {
      result[s] = pla;
      s = board.nextInChain(s);
    } while (s !== h);
  }
  for (let r = 0; r < numRegions; r++) {
    const mark = atLeastOnePla && !bordersDead[r] && (internal[r] <= 1 || (safeBig && !containsOpp[r]));
    if (mark) {
      for (let q = regionStart[r]; q < regionStart[r + 1]; q++) result[order[q]] = pla;
    } else if (unsafeBig && !containsOpp[r] && atLeastOnePla) {
      for (let q = regionStart[r]; q < regionStart[r + 1]; q++) if (result[order[q]] === EMPTY) result[order[q]] = pla;
    }
  }
}
