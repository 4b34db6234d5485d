// KataGo's network inputs, version 7 (model versions 8 and newer): 22 spatial planes and 19 global
// values, from the point of view of the player to move.
//
// Spatial (NHWC, position y * nnXLen + x): 0 on board; 1/2 own/opponent stone; 3/4/5 stone whose chain
// has 1/2/3 liberties; 6 ko-banned point (simple ko point plus superko-banned points); 7/8 encore only
// (unused here); 9-13 locations of the last five moves (opponent's last first); 14 stone in a chain
// captured in a ladder now, 15/16 one and two moves ago; 17 attacker moves that start a working
// ladder against an opponent chain with two liberties; 18/19 own/opponent area (see board/benson.ts; only for
// area scoring); 20/21 encore only.
// Global: 0-4 the last five moves were passes; 5 own komi / 20; 6/7 ko rule; 8 multi-stone suicide;
// 9 territory scoring; 10/11 tax; 12/13 encore; 14 a pass would end the phase; 15/16 playout doubling
// advantage; 17 button; 18 komi parity wave (area scoring).
import { EMPTY, PASS, type Color, opponent } from '../board/index.js';
import { calculateAreaPadded, independentLifeAreaPadded } from '../board/benson.js';
import type { KataGoHistory } from './history.js';
import { LadderReader, forEachLadderedStone } from './ladder.js';

export const NUM_SPATIAL_FEATURES = 22;
export const NUM_GLOBAL_FEATURES = 19;
const KOMI_CLIP_RADIUS = 20;

export interface FeatureOptions {
  /** Tensor size (at least the board's); points beyond the board stay zero. Default: the board size. */
  nnXLen?: number;
  nnYLen?: number;
  /** KataGo's playoutDoublingAdvantage input (0 for ordinary play). */
  playoutDoublingAdvantage?: number;
  /** KataGo's conservativePass for the search root: hide that a pass would end the game. */
  conservativePassAndIsRoot?: boolean;
}

export interface Features {
  nnXLen: number;
  nnYLen: number;
  /** [nnYLen * nnXLen * 22], NHWC. */
  spatial: Float32Array;
  /** [19]. */
  global: Float32Array;
  /** 1 where the player to move may play (board points, y * width + x), computed on the way (it decides plane 6). */
  legal: Uint8Array;
}

const defaultLadderReader = new LadderReader();

/** Input features for `pla` to move (normally hist.toMove) in the current position of hist. */
export function computeFeatures(hist: KataGoHistory, pla: Color, opts: FeatureOptions = {}, ladders: LadderReader = defaultLadderReader): Features {
  const board = hist.board;
  const rules = hist.rules;
  const xSize = board.width;
  const ySize = board.height;
  const nnXLen = opts.nnXLen ?? xSize;
  const nnYLen = opts.nnYLen ?? ySize;
  if (nnXLen < xSize || nnYLen < ySize) throw new Error(`feature tensor ${nnXLen}x${nnYLen} is smaller than the ${xSize}x${ySize} board`);
  const C = NUM_SPATIAL_FEATURES;
  const spatial = new Float32Array(nnXLen * nnYLen * C);
  const global = new Float32Array(NUM_GLOBAL_FEATURES);
  const opp = opponent(pla);
  const st = board.stones;
  const posOf = (loc: number): number => board.yOf(loc) * nnXLen + board.xOf(loc);
  const set = (loc: number, f: number): void => { spatial[posOf(loc) * C + f] = 1; };

  for (let y = 0; y < ySize; y++) {
    for (let x = 0; x < xSize; x++) {
      const loc = board.loc(x, y);
      set(loc, 0);
      const s = st[loc];
      if (s === EMPTY) continue;
      set(loc, s === pla ? 1 : 2);
      const libs = board.liberties(loc);
      if (libs >= 1 && libs <= 3) set(loc, 2 + libs);
    }
  }

  // Ko-banned points: the simple-ko point and, under superko rules, points whose play would repeat.
  // Legality of every empty point comes with it.
  const legal = new Uint8Array(xSize * ySize);
  if (board.koLoc !== PASS) set(board.koLoc, 6);
  for (let i = 0; i < board.numEmpty; i++) {
    const loc = board.emptyAt(i);
    if (rules.ko === 'SIMPLE') {
      if (hist.game.isLegal(loc, pla)) legal[board.yOf(loc) * xSize + board.xOf(loc)] = 1;
      continue;
    }
    if (!board.isLegalIgnoringSuperko(loc, pla, rules.suicide, false)) continue;
    if (hist.game.isLegal(loc, pla)) legal[board.yOf(loc) * xSize + board.xOf(loc)] = 1;
    else if (loc !== board.koLoc) set(loc, 6);
  }

  // Area features (only where the rules make them meaningful before the end of the game).
  let area: Uint8Array | null = null;
  if (rules.scoring === 'AREA') area = rules.tax === 'NONE'
      ? calculateAreaPadded(board, rules.suicide, { nonPassAliveStones: true, safeBigTerritories: true, unsafeBigTerritories: true })
      : independentLifeAreaPadded(board, rules.suicide, { keepStones: true }).area;
  if (area) {
    for (let y = 0; y < ySize; y++) {
      for (let x = 0; x < xSize; x++) {
        const loc = board.loc(x, y);
        if (area[loc] === pla) set(loc, 18);
        else if (area[loc] === opp) set(loc, 19);
      }
    }
  }

  // History: hidden when a pass would end the game but should not be treated as doing so.
  let maxHistory = 5;
  let suppressPassWouldEndPhase = false;
  if (hist.passWouldEndGame(pla) && (opts.conservativePassAndIsRoot || hist.shouldSuppressEndGameFromFriendlyPass(pla))) {
    maxHistory = 0;
    suppressPassWouldEndPhase = true;
  } else if (hist.isGameFinished || hist.isPastNormalPhaseEnd) {
    maxHistory = 1;
  }
  const moves = hist.game.moves;
  const usable = Math.min(maxHistory, hist.numApproxValidTurnsThisPhase, moves.length);
  let included = 0;
  for (let k = 1; k <= usable; k++) {
    const m = moves[moves.length - k];
    if (m.color !== (k % 2 === 1 ? opp : pla)) break;
    included = k;
    if (m.loc === PASS) global[k - 1] = 1;
    else set(m.loc, 8 + k);
  }

  // Ladders now, one and two moves ago.
  forEachLadderedStone(ladders, board, (loc, working) => {
    set(loc, 14);
    if (st[loc] === opp && board.liberties(loc) > 1) for (const w of working) set(w, 17);
  });
  const prev1 = included < 1 ? board : hist.recentBoard(1);
  forEachLadderedStone(ladders, prev1, (loc) => set(loc, 15));
  const prev2 = included < 2 ? prev1 : hist.recentBoard(2);
  forEachLadderedStone(ladders, prev2, (loc) => set(loc, 16));

  // Globals.
  let selfKomi = hist.selfKomi(pla);
  const boardArea = xSize * ySize;
  if (selfKomi > boardArea + KOMI_CLIP_RADIUS) selfKomi = boardArea + KOMI_CLIP_RADIUS;
  if (selfKomi < -boardArea - KOMI_CLIP_RADIUS) selfKomi = -boardArea - KOMI_CLIP_RADIUS;
  global[5] = selfKomi / 20;
  if (rules.ko === 'POSITIONAL') { global[6] = 1; global[7] = 0.5; }
  else if (rules.ko === 'SITUATIONAL') { global[6] = 1; global[7] = -0.5; }
  if (rules.suicide) global[8] = 1;
  if (rules.scoring === 'TERRITORY') global[9] = 1;
  if (rules.tax === 'SEKI') global[10] = 1;
  else if (rules.tax === 'ALL') { global[10] = 1; global[11] = 1; }
  global[14] = !suppressPassWouldEndPhase && hist.passWouldEndPhase(pla) ? 1 : 0;
  const pda = opts.playoutDoublingAdvantage ?? 0;
  if (pda !== 0) { global[15] = 1; global[16] = 0.5 * pda; }
  if (hist.hasButton) global[17] = 1;
  if (rules.scoring === 'AREA') global[18] = komiParityWave(selfKomi, boardArea % 2 === 0);
  return { nnXLen, nnYLen, spatial, global, legal };
}

/** Triangle wave of period 2 in komi, rising through the komis that allow a draw on this board. */
function komiParityWave(selfKomi: number, drawableKomisAreEven: boolean): number {
  const f = Math.fround;
  const komiFloor = drawableKomisAreEven ? Math.floor(f(selfKomi / 2)) * 2 : Math.floor(f((selfKomi - 1) / 2)) * 2 + 1;
  const delta = Math.min(2, Math.max(0, f(selfKomi - komiFloor)));
  if (delta < 0.5) return delta;
  if (delta < 1.5) return 1 - delta;
  return delta - 2;
}
