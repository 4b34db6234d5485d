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
  const regionOf = new Int32Array(st.length).fill(-1);
  const regions: { points: number[]; vital: number[]; internal: number; containsOpp: boolean; bordersDead: boolean }[] = [];
  const adjacentToChain = (p: number, head: number): boolean => {
    for (let i = 0; i < 4; i++) {
      const a = p + adj[i];
      if (st[a] === pla && board.chainHead(a) === head) return true;
    }
    return false;
  };
  const adjacentToPla = (p: number): boolean => {
    for (let i = 0; i < 4; i++) if (st[p + adj[i]] === pla) return true;
    return false;
  };

  let atLeastOnePla = false;
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const seed = board.loc(x, y);
      if (regionOf[seed] >= 0) continue;
      if (st[seed] !== EMPTY) {
        if (st[seed] === pla) atLeastOnePla = true;
        continue;
      }
      const idx = regions.length;
      let vital: number[] = [];
      for (let i = 0; i < 4; i++) {
        const a = seed + adj[i];
        if (st[a] === pla && !vital.includes(board.chainHead(a))) vital.push(board.chainHead(a));
      }
      const region = { points: [] as number[], vital, internal: 0, containsOpp: false, bordersDead: false };
      regions.push(region);
      const queue = [seed];
      regionOf[seed] = idx;
      for (let qi = 0; qi < queue.length; qi++) {
        const p = queue[qi];
        if (vital.length && (suicideLegal || st[p] === EMPTY)) vital = vital.filter((h) => adjacentToChain(p, h));
        if (region.internal < 2 && !adjacentToPla(p)) region.internal++;
        if (st[p] === opp) region.containsOpp = true;
        region.points.push(p);
        for (let i = 0; i < 4; i++) {
          const a = p + adj[i];
          if ((st[a] === EMPTY || st[a] === opp) && regionOf[a] < 0) {
            regionOf[a] = idx;
            queue.push(a);
          }
        }
      }
      region.vital = vital;
    }
  }

  const heads: number[] = [];
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (st[loc] === pla && board.chainHead(loc) === loc) heads.push(loc);
    }
  }
  const vitalCount = new Map<number, number>();
  for (const h of heads) vitalCount.set(h, 0);
  for (const r of regions) for (const h of r.vital) vitalCount.set(h, (vitalCount.get(h) ?? 0) + 1);
  const killed = new Set<number>();
  for (;;) {
    let killedAny = false;
    for (const h of heads) {
      if (killed.has(h) || vitalCount.get(h)! >= 2) continue;
      killed.add(h);
      killedAny = true;
      for (const s of board.chainStones(h)) {
        for (let i = 0; i < 4; i++) {
          const a = s + adj[i];
          const ri = regionOf[a];
          if (ri < 0 || regions[ri].bordersDead) continue;
          regions[ri].bordersDead = true;
          for (const vh of regions[ri].vital) vitalCount.set(vh, vitalCount.get(vh)! - 1);
        }
      }
    }
    if (!killedAny) break;
  }

  for (const h of heads) {
    if (killed.has(h)) continue;
    for (const s of board.chainStones(h)) result[s] = pla;
  }
  for (const r of regions) {
    const mark = atLeastOnePla && !r.bordersDead && (r.internal <= 1 || (safeBig && !r.containsOpp));
    if (mark) {
      for (const p of r.points) result[p] = pla;
    } else if (unsafeBig && !r.containsOpp && atLeastOnePla) {
      for (const p of r.points) if (result[p] === EMPTY) result[p] = pla;
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
