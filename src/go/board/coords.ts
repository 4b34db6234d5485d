// Points, colours and moves, and the two text forms of a point: GTP vertices ("D4", columns A-Z
// skipping I, row 1 at the bottom) and SGF coordinates ("dd", column then row, "a" = left/top).
// Internally x runs left to right and y top to bottom (y = 0 is the top row, GTP row `height`).

export const EMPTY = 0;
export const BLACK = 1;
export const WHITE = 2;
export const WALL = 3;
export type Color = 1 | 2;

/** The location value that stands for a pass. */
export const PASS = -1;

export const MIN_SIZE = 2;
export const MAX_SIZE = 19;

export function opponent(c: Color): Color {
  return (3 - c) as Color;
}

export function colorName(c: Color): 'B' | 'W' {
  return c === BLACK ? 'B' : 'W';
}

/** Parses a GTP/SGF colour word: b, black, w, white (any case). */
export function parseColor(text: string): Color {
  const t = text.trim().toLowerCase();
  if (t === 'b' || t === 'black') return BLACK;
  if (t === 'w' || t === 'white') return WHITE;
  throw new Error(`invalid color '${text}': expected B, W, black or white`);
}

/** A point on the board, or a pass. */
export type Point = { x: number; y: number } | 'pass';

const GTP_COLUMNS = 'ABCDEFGHJKLMNOPQRSTUVWXYZ';

export function checkBoardSize(width: number, height: number): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < MIN_SIZE || v > MAX_SIZE) {
      throw new Error(`board ${name} must be an integer from ${MIN_SIZE} to ${MAX_SIZE}, got ${v}`);
    }
  }
}

/** GTP vertex of a point ("pass" for a pass). */
export function toGtpVertex(p: Point, height: number): string {
  if (p === 'pass') return 'pass';
  return `${GTP_COLUMNS[p.x]}${height - p.y}`;
}

/** Parses a GTP vertex ("D4", "pass", case-insensitive) on a width x height board. */
export function parseGtpVertex(text: string, width: number, height: number): Point {
  const t = text.trim().toUpperCase();
  if (t === 'PASS') return 'pass';
  const m = /^([A-HJ-Z])(\d{1,2})$/.exec(t);
  if (!m) throw new Error(`invalid vertex '${text}': expected a column letter A-T (no I) and a row number, or pass`);
  const x = GTP_COLUMNS.indexOf(m[1]);
  const row = Number(m[2]);
  if (x >= width || row < 1 || row > height) {
    throw new Error(`vertex '${text}' is off the ${width}x${height} board`);
  }
  return { x, y: height - row };
}

/** SGF coordinate of a point; a pass is the empty string. */
export function toSgfCoord(p: Point): string {
  if (p === 'pass') return '';
  return String.fromCharCode(97 + p.x) + String.fromCharCode(97 + p.y);
}

/**
 * Parses an SGF point value. The empty value is a pass, and so is "tt" on boards up to 19x19
 * (the old FF[3] convention).
 */
export function parseSgfCoord(text: string, width: number, height: number): Point {
  if (text === '' || (text === 'tt' && width <= 19 && height <= 19)) return 'pass';
  if (!/^[a-zA-Z]{2}$/.test(text)) throw new Error(`invalid SGF point '${text}': expected two letters`);
  const code = (ch: string): number => (ch >= 'a' ? ch.charCodeAt(0) - 97 : ch.charCodeAt(0) - 65 + 26);
  const x = code(text[0]);
  const y = code(text[1]);
  if (x >= width || y >= height) throw new Error(`SGF point '${text}' is off the ${width}x${height} board`);
  return { x, y };
}
