// Scoring. Area scoring without group tax is exact Tromp-Taylor: a point scores for a colour when it
// holds a stone of that colour or is empty and reaches only that colour through empty points; nothing
// is removed as dead unless dead stones are given. Territory scoring counts empty points reaching only
// one colour plus prisoners (captures and the given dead stones). With a group tax (SEKI or ALL), only
// KataGo's independent-life regions count (regions in seki drop out), and under ALL each such region
// pays two points, as KataGo scores stone-scoring. Komi, white's handicap bonus and the button are
// added for white / the first passer as the rules say.
import type { Board } from './board.js';
import { BLACK, EMPTY, WHITE, type Color } from './coords.js';
import type { Game } from './game.js';
import { calculateArea, independentLifeArea } from './benson.js';

/**
 * Owner of every point by Tromp-Taylor reach (index y * width + x): BLACK or WHITE for stones and for
 * empty points reaching only that colour, EMPTY for empty points reaching both or neither.
 */
export function trompTaylorOwnership(board: Board): Uint8Array {
  const out = new Uint8Array(board.area);
  const st = board.stones;
  const seen = new Uint8Array(st.length);
  const stack: number[] = [];
  const region: number[] = [];
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      const s = st[loc];
      if (s === BLACK || s === WHITE) {
        out[y * board.width + x] = s;
        continue;
      }
      if (seen[loc]) continue;
      let reach = 0;
      region.length = 0;
      seen[loc] = 1;
      stack.push(loc);
      while (stack.length) {
        const p = stack.pop()!;
        region.push(p);
        for (let i = 0; i < 4; i++) {
          const a = p + board.adj[i];
          const c = st[a];
          if (c === EMPTY) {
            if (!seen[a]) { seen[a] = 1; stack.push(a); }
          } else if (c === BLACK || c === WHITE) reach |= c;
        }
      }
      if (reach === BLACK || reach === WHITE) for (const p of region) out[board.indexOf(p)] = reach;
    }
  }
  return out;
}

export interface Score {
  /** Points for black and for white before komi and bonuses. */
  black: number;
  white: number;
  /** White's points minus black's, with komi, handicap bonus and button. */
  whiteMinusBlack: number;
  /** "B+3.5", "W+0.5" or "0". */
  result: string;
}

export function resultString(whiteMinusBlack: number): string {
  if (whiteMinusBlack === 0) return '0';
  return whiteMinusBlack > 0 ? `W+${whiteMinusBlack}` : `B+${-whiteMinusBlack}`;
}

/**
 * Scores a game by its rules. deadStones (board locations) are removed first and count as prisoners
 * under territory scoring; without them area scoring is exact Tromp-Taylor.
 */
export function scoreGame(game: Game, deadStones: number[] = []): Score {
  let board = game.board;
  const prisoners = [0, game.board.captures[WHITE], game.board.captures[BLACK]]; // prisoners[c] = stones of c taken
  if (deadStones.length) {
    board = board.clone();
    const entries: { loc: number; color: typeof EMPTY }[] = [];
    for (const loc of deadStones) {
      const c = board.stones[loc];
      if (c !== BLACK && c !== WHITE) throw new Error(`dead stone at location ${loc} is not a stone`);
      prisoners[c]++;
      entries.push({ loc, color: EMPTY });
    }
    board.setStones(entries);
  }
  const territory = game.rules.scoring === 'TERRITORY';
  const taxed = game.rules.tax !== 'NONE';
  let own: Uint8Array;
  let tax = [0, 0, 0];
  if (taxed) {
    const ind = independentLifeArea(board, game.rules.suicide, { keepStones: !territory });
    own = ind.area;
    if (game.rules.tax === 'ALL') tax = [0, 2 * ind.blackRegions, 2 * ind.whiteRegions];
  } else {
    own = trompTaylorOwnership(board);
  }
  let black = 0;
  let white = 0;
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const o = own[y * board.width + x];
      if (territory && board.at(x, y) !== EMPTY) continue;
      if (o === BLACK) black++;
      else if (o === WHITE) white++;
    }
  }
  if (territory) {
    black += prisoners[WHITE];
    white += prisoners[BLACK];
  }
  black -= tax[BLACK];
  white -= tax[WHITE];
  const diff = white - black + game.komi + bonuses(game);
  return { black, white, whiteMinusBlack: diff, result: resultString(diff) };
}

/**
 * The score KataGo's own rules engine gives a finished area-scoring game (what its search sees at a
 * game end): without tax, pass-alive areas (opponent stones inside count for the owner), big
 * territories and all other stones; with tax, as scoreGame. Differs from exact Tromp-Taylor only when
 * stones lie inside the opponent's pass-alive territory. Throws for territory scoring (KataGo scores
 * that after its encore phases, which this engine does not play).
 */
export function kataGoAreaScore(game: Game): Score {
  if (game.rules.scoring !== 'AREA') throw new Error('kataGoAreaScore: only area scoring is supported (territory scoring needs the encore)');
  if (game.rules.tax !== 'NONE') return scoreGame(game);
  const own = calculateArea(game.board, game.rules.suicide, { nonPassAliveStones: true, safeBigTerritories: true, unsafeBigTerritories: true });
  let black = 0;
  let white = 0;
  for (const o of own) {
    if (o === BLACK) black++;
    else if (o === WHITE) white++;
  }
  const diff = white - black + game.komi + bonuses(game);
  return { black, white, whiteMinusBlack: diff, result: resultString(diff) };
}

/** White's handicap bonus (under any scoring rule, as KataGo adds it) and the button, as points for white. */
function bonuses(game: Game): number {
  let bonus = 0;
  const n = game.rules.whiteHandicapBonus === '0' ? 0 : game.handicapStones();
  if (game.rules.whiteHandicapBonus === 'N') bonus += n;
  else if (game.rules.whiteHandicapBonus === 'N-1' && n > 0) bonus += n - 1;
  if (game.rules.hasButton && game.buttonTakenBy !== null) bonus += game.buttonTakenBy === WHITE ? 0.5 : -0.5;
  return bonus;
}

/** Stones of `color` that lie in the opponent's pass-alive area (unconditionally dead), as locations. */
export function stonesInArea(board: Board, area: Uint8Array, color: Color): number[] {
  const out: number[] = [];
  for (let y = 0; y < board.height; y++) {
    for (let x = 0; x < board.width; x++) {
      const loc = board.loc(x, y);
      if (board.stones[loc] === color && area[y * board.width + x] === 3 - color) out.push(loc);
    }
  }
  return out;
}
