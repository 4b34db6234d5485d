// The "area" KataGo feeds its network (input features 18/19): pass-alive stones and territory by
// Benson's algorithm as KataGo computes it, plus, depending on the scoring rule, big empty regions
// bordered by one colour and the remaining stones (area scoring), or only independently living
// regions (stone scoring with group tax). Results are per board location (the padded index), EMPTY,
// BLACK or WHITE.
import { BLACK, EMPTY, WHITE, type Board, type Color, opponent } from '../board/index.js';

/**
 * Marks `pla`'s pass-alive stones and pass-alive territory (unconditionally), empty regions bordered
 * only by its pass-alive stones when safeBig, and empty regions bordered by its stones on points
 * still unmarked when unsafeBig.
 */
function markAreaForPlayer(board: Board, pla: Color, safeBig: boolean, unsafeBig: boolean, suicideLegal: boolean, result: Uint8Array): void {
  const opp = opponent(pla);
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

/** KataGo's area for area scoring without tax: pass-alive areas, big territories, then all other stones. */
export function areaScoringArea(board: Board, suicideLegal: boolean): Uint8Array {
  const result = new Uint8Array(board.stones.length);
  markAreaForPlayer(board, BLACK, true, true, suicideLegal, result);
  markAreaForPlayer(board, WHITE, true, true, suicideLegal, result);
  fillStones(board, result);
  return result;
}

function fillStones(board: Board, result: Uint8Array): void {
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (result[loc] === EMPTY) result[loc] = board.stones[loc] === BLACK || board.stones[loc] === WHITE ? board.stones[loc] : EMPTY;
    }
  }
}

/**
 * KataGo's independent-life area: regions of the basic area that touch no dame and hold no own stone
 * in atari (those count as seki). keepTerritories/keepStones add back the basic area's empty/opponent
 * points or own stones. Also returns white-minus-black count of independent life regions.
 */
export function independentLifeArea(board: Board, keepTerritories: boolean, keepStones: boolean, suicideLegal: boolean): { area: Uint8Array; whiteMinusBlackRegions: number } {
  const st = board.stones;
  const adj = board.adj;
  const basic = new Uint8Array(st.length);
  markAreaForPlayer(board, BLACK, true, true, suicideLegal, basic);
  markAreaForPlayer(board, WHITE, true, true, suicideLegal, basic);
  fillStones(board, basic);

  const result = new Uint8Array(st.length);
  const isSeki = new Uint8Array(st.length);
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (basic[loc] === EMPTY || isSeki[loc]) continue;
      let seki = st[loc] === basic[loc] && board.liberties(loc) === 1;
      for (let i = 0; i < 4 && !seki; i++) {
        const a = loc + adj[i];
        if (st[a] === EMPTY && basic[a] === EMPTY) seki = true;
      }
      if (!seki) continue;
      const pla = basic[loc];
      isSeki[loc] = 1;
      const queue = [loc];
      for (let qi = 0; qi < queue.length; qi++) {
        for (let i = 0; i < 4; i++) {
          const a = queue[qi] + adj[i];
          if (basic[a] === pla && !isSeki[a]) { isSeki[a] = 1; queue.push(a); }
        }
      }
    }
  }
  let whiteMinusBlackRegions = 0;
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (basic[loc] === EMPTY || isSeki[loc] || result[loc] === basic[loc]) continue;
      const pla = basic[loc];
      whiteMinusBlackRegions += pla === WHITE ? 1 : -1;
      result[loc] = pla;
      const queue = [loc];
      for (let qi = 0; qi < queue.length; qi++) {
        for (let i = 0; i < 4; i++) {
          const a = queue[qi] + adj[i];
          if (basic[a] === pla && result[a] !== pla) { result[a] = pla; queue.push(a); }
        }
      }
    }
  }
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (basic[loc] === EMPTY) continue;
      if (keepTerritories && basic[loc] !== st[loc]) result[loc] = basic[loc];
      if (keepStones && basic[loc] === st[loc]) result[loc] = basic[loc];
    }
  }
  return { area: result, whiteMinusBlackRegions };
}
