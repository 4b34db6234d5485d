// Pass-alive chains and territory by Benson's algorithm (unconditional life), with KataGo's reading
// of it: regions are connected sets of empty-or-opponent points that contain an empty point; a region
// is vital to a chain when each of its empty points (each point, when multi-stone suicide is legal)
// is adjacent to that chain; chains with fewer than two vital regions among the regions not touching
// an already-removed chain are removed, repeatedly. A region counts as pass-alive territory when it
// borders the player, touches no removed chain, and has at most one point not adjacent to the player.
import type { Board } from './board.js';
import { BLACK, EMPTY, WHITE, type Color, opponent } from './coords.js';

export interface AreaOptions {
  /** Also mark empty regions (no opponent stones) bordered only by pass-alive chains of the player. */
  safeBigTerritories?: boolean;
  /** Also mark empty regions (no opponent stones) bordered by the player, alive or not. */
  unsafeBigTerritories?: boolean;
}

/**
 * Pass-alive area of both colours: for each point (index y * width + x), BLACK or WHITE when it is a
 * pass-alive stone of that colour or inside that colour's pass-alive territory (opponent stones there
 * are unconditionally dead), else EMPTY.
 */
export function passAliveArea(board: Board, multiStoneSuicideLegal: boolean, opts: AreaOptions = {}): Uint8Array {
  const out = new Uint8Array(board.area);
  markForPlayer(board, BLACK, multiStoneSuicideLegal, opts, out);
  markForPlayer(board, WHITE, multiStoneSuicideLegal, opts, out);
  return out;
}

function markForPlayer(board: Board, pla: Color, suicideLegal: boolean, opts: AreaOptions, out: Uint8Array): void {
  const opp = opponent(pla);
  const st = board.stones;
  const adj = board.adj;
  const n = st.length;
  const regionOf = new Int32Array(n).fill(-1);
  const regions: { points: number[]; vital: number[]; internal: number; bordersPla: boolean; containsOpp: boolean; touchesDead: boolean }[] = [];

  // Flood-fill regions of empty-or-opponent points, seeded from empty points.
  const stack: number[] = [];
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const seed = board.loc(x, y);
      if (st[seed] !== EMPTY || regionOf[seed] >= 0) continue;
      const idx = regions.length;
      // Candidate vital chains: those adjacent to the seed; filtered by every later point.
      const vital: number[] = [];
      for (let i = 0; i < 4; i++) {
        const a = seed + adj[i];
        if (st[a] === pla) {
          const h = board.chainHead(a);
          if (!vital.includes(h)) vital.push(h);
        }
      }
      const region = { points: [] as number[], vital, internal: 0, bordersPla: false, containsOpp: false, touchesDead: false };
      regions.push(region);
      regionOf[seed] = idx;
      stack.push(seed);
      while (stack.length) {
        const p = stack.pop()!;
        region.points.push(p);
        if (suicideLegal || st[p] === EMPTY) {
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
        else region.bordersPla = true;
        if (st[p] === opp) region.containsOpp = true;
      }
    }
  }

  // Chains of the player.
  const heads: number[] = [];
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (st[loc] === pla && board.chainHead(loc) === loc) heads.push(loc);
    }
  }
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
    for (const s of board.chainStones(h)) out[board.indexOf(s)] = pla;
  }
  for (const r of regions) {
    let mark = r.internal <= 1 && r.bordersPla && !r.touchesDead;
    mark ||= !!opts.safeBigTerritories && r.bordersPla && !r.containsOpp && !r.touchesDead;
    mark ||= !!opts.unsafeBigTerritories && r.bordersPla && !r.containsOpp;
    if (mark) for (const p of r.points) out[board.indexOf(p)] = pla;
  }
}
