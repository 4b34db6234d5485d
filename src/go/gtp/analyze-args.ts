// Arguments of `kata-analyze` / `lz-analyze` as KataGo parses them:
//   [player] [interval] KEY VALUE ...
// player: b/w/black/white; interval: centiseconds between reports (a number >= 0; also `interval N`).
// Keys: interval, minmoves, maxmoves (both), and for kata-analyze only: ownership, ownershipStdev,
// movesOwnership, movesOwnershipStdev, pvVisits, pvEdgeVisits, rootInfo (booleans true/false).
// `avoid`/`allow` are KataGo keys this engine does not implement: they are rejected with a clear error.
import { type Color, parseColor } from '../board/coords.js';

export interface AnalyzeArgs {
  kind: 'kata' | 'lz';
  /** Player to analyze for (null: the player to move). */
  player: Color | null;
  /** Seconds between reports; null = never report (KataGo's default: no interval given). */
  intervalSeconds: number | null;
  minMoves: number;
  maxMoves: number;
  ownership: boolean;
  ownershipStdev: boolean;
  movesOwnership: boolean;
  movesOwnershipStdev: boolean;
  pvVisits: boolean;
  pvEdgeVisits: boolean;
  rootInfo: boolean;
}

const KATA_BOOL_KEYS = {
  ownership: 'ownership',
  ownershipStdev: 'ownershipStdev',
  movesOwnership: 'movesOwnership',
  movesOwnershipStdev: 'movesOwnershipStdev',
  pvVisits: 'pvVisits',
  pvEdgeVisits: 'pvEdgeVisits',
  rootInfo: 'rootInfo',
} as const;

/** KataGo's bound on user time inputs, in centiseconds here. */
const MAX_INTERVAL_CS = 1e10;

function interval(text: string): number | null {
  if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) && v >= 0 && v < MAX_INTERVAL_CS ? v : null;
}

function count(text: string): number | null {
  return /^\d+$/.test(text) && Number(text) < 1e9 ? Number(text) : null;
}

function bool(text: string): boolean | null {
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return null;
}

export function parseAnalyzeArgs(kind: 'kata' | 'lz', pieces: string[]): AnalyzeArgs {
  const out: AnalyzeArgs = {
    kind, player: null, intervalSeconds: null, minMoves: 0, maxMoves: 10_000_000,
    ownership: false, ownershipStdev: false, movesOwnership: false, movesOwnershipStdev: false, pvVisits: false, pvEdgeVisits: false, rootInfo: false,
  };
  const fail = (why: string): never => {
    throw new Error(`Could not parse analyze arguments or arguments out of range: '${pieces.join(' ')}' (${why})`);
  };
  let i = 0;
  if (i < pieces.length && /^(b|w|black|white)$/i.test(pieces[i])) out.player = parseColor(pieces[i++]);
  if (i < pieces.length) {
    const v = interval(pieces[i]);
    if (v !== null) {
      out.intervalSeconds = v * 0.01;
      i++;
    }
  }
  while (i < pieces.length) {
    const key = pieces[i++];
    if (i >= pieces.length) fail(`key '${key}' has no value`);
    const value = pieces[i++];
    if (key === 'interval') {
      const v = interval(value);
      if (v === null) fail(`interval must be a number of centiseconds >= 0, got '${value}'`);
      out.intervalSeconds = v! * 0.01;
    } else if (key === 'minmoves' || key === 'maxmoves') {
      const v = count(value);
      if (v === null) fail(`${key} must be an integer >= 0, got '${value}'`);
      if (key === 'minmoves') out.minMoves = v!;
      else out.maxMoves = v!;
    } else if (key === 'avoid' || key === 'allow') {
      fail(`'${key}' is not supported by this engine`);
    } else if (kind === 'kata' && key in KATA_BOOL_KEYS) {
      const v = bool(value);
      if (v === null) fail(`${key} must be true or false, got '${value}'`);
      out[KATA_BOOL_KEYS[key as keyof typeof KATA_BOOL_KEYS]] = v!;
    } else {
      fail(`unknown key '${key}'`);
    }
  }
  return out;
}
