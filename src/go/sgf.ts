// SGF (FF[4]) games: read the main line of a file (size incl. rectangular SZ[w:h], komi, rules,
// result, players, setup stones AB/AW/AE, moves with passes as [] or [tt], comments) with
// @sabaki/sgf after checking its structure, and write games back. Malformed files and illegal moves
// are rejected with errors that say where.
import sgf from '@sabaki/sgf';
import type { SgfNode } from '@sabaki/sgf';
import { BLACK, WHITE, EMPTY, type Color, type Point, checkBoardSize, colorName, parseSgfCoord, toSgfCoord } from './board/coords.js';
import { Game } from './board/game.js';
import { type Rules, parseKomi, parseRules, presetNameOf, rulesToJson } from './board/rules.js';

export interface SgfMove {
  color: Color;
  point: Point;
  comment?: string;
}

export interface SgfGame {
  width: number;
  height: number;
  komi: number | null;
  /** The RU text as written, and the rules it names (null when RU is absent or unknown). */
  rulesText: string | null;
  rules: Rules | null;
  result: string | null;
  playerBlack: string | null;
  playerWhite: string | null;
  /** Player to move first (PL), if given. */
  firstPlayer: Color | null;
  setup: { x: number; y: number; color: Color }[];
  comment: string | null;
  moves: SgfMove[];
}

/** Checks bracket/parenthesis structure with the tokenizer, so errors can name a line and column. */
function checkStructure(text: string, source: string): void {
  const tokens = sgf.tokenize(text);
  if (!tokens.length) throw new Error(`${source}: empty SGF (expected '(;')`);
  for (const t of tokens) {
    if (t.type !== 'invalid') continue;
    const where = `${source}:${t.row + 1}:${t.col + 1}`;
    if (t.value === '[') throw new Error(`${where}: unterminated property value (missing ']')`);
    throw new Error(`${where}: unexpected character '${t.value}'`);
  }
  let depth = 0;
  let seenTree = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const where = `${source}:${t.row + 1}:${t.col + 1}`;
    if (depth === 0 && t.type === 'parenthesis' && t.value === ')') throw new Error(`${where}: unbalanced ')'`);
    if (depth === 0 && !(t.type === 'parenthesis' && t.value === '(')) {
      throw new Error(`${where}: expected '(' to start a game tree, got '${t.value}'`);
    }
    if (t.type === 'parenthesis') {
      if (t.value === '(') {
        const nextTok = tokens[i + 1];
        if (!nextTok || nextTok.type !== 'semicolon') throw new Error(`${where}: a game tree must start with a node (';')`);
        depth++;
        seenTree = true;
      } else {
        depth--;
        if (depth < 0) throw new Error(`${where}: unbalanced ')'`);
        // A game tree is a sequence of nodes then its variations: after a variation only another one or ')'.
        const nextTok = tokens[i + 1];
        if (depth > 0 && nextTok && nextTok.type !== 'parenthesis') {
          throw new Error(`${source}:${nextTok.row + 1}:${nextTok.col + 1}: '${nextTok.value}' after a variation (expected '(' or ')')`);
        }
      }
    } else if (t.type === 'c_value_type') {
      const prev = tokens[i - 1];
      if (!prev || (prev.type !== 'prop_ident' && prev.type !== 'c_value_type')) throw new Error(`${where}: property value without a property name`);
    } else if (t.type === 'prop_ident') {
      const nextTok = tokens[i + 1];
      if (!nextTok || nextTok.type !== 'c_value_type') throw new Error(`${where}: property ${t.value} has no value`);
      if (t.value !== t.value.toUpperCase()) throw new Error(`${where}: property name '${t.value}' must be upper case`);
    }
  }
  if (depth > 0) throw new Error(`${source}: unbalanced '(' (${depth} game tree${depth > 1 ? 's' : ''} not closed)`);
  if (!seenTree) throw new Error(`${source}: no game tree`);
}

function single(node: SgfNode, key: string, source: string): string | null {
  const v = node.data[key];
  if (!v) return null;
  if (v.length !== 1) throw new Error(`${source}: property ${key} must have one value, got ${v.length}`);
  return v[0];
}

function parseSize(text: string, source: string): { width: number; height: number } {
  const m = /^\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new Error(`${source}: SZ[${text}] must be a number or 'width:height'`);
  const width = Number(m[1]);
  const height = m[2] !== undefined ? Number(m[2]) : width;
  try {
    checkBoardSize(width, height);
  } catch (e) {
    throw new Error(`${source}: SZ[${text}]: ${(e as Error).message}`);
  }
  return { width, height };
}

/** Parses the main line of the first game in an SGF text. `source` names the file in errors. */
export function parseSgf(text: string, source = 'SGF'): SgfGame {
  checkStructure(text, source);
  const roots = sgf.parse(text);
  const root = roots[0];
  if (!root) throw new Error(`${source}: no game tree`);
  const gm = single(root, 'GM', source);
  if (gm !== null && gm.trim() !== '1') throw new Error(`${source}: GM[${gm}] is not a Go game (expected GM[1])`);
  const sz = single(root, 'SZ', source);
  const { width, height } = sz === null ? { width: 19, height: 19 } : parseSize(sz, source);
  const km = single(root, 'KM', source);
  let komi: number | null = null;
  if (km !== null && km.trim() !== '') {
    try {
      komi = parseKomi(km);
    } catch (e) {
      throw new Error(`${source}: KM[${km}]: ${(e as Error).message}`);
    }
  }
  const rulesText = single(root, 'RU', source);
  let rules: Rules | null = null;
  if (rulesText !== null) {
    try {
      rules = parseRules(rulesText, true).rules;
    } catch {
      rules = null;
    }
  }
  const pl = single(root, 'PL', source);
  const game: SgfGame = {
    width, height, komi, rulesText, rules,
    result: single(root, 'RE', source),
    playerBlack: single(root, 'PB', source),
    playerWhite: single(root, 'PW', source),
    firstPlayer: pl === null ? null : pl.trim().toUpperCase() === 'B' ? BLACK : pl.trim().toUpperCase() === 'W' ? WHITE : badValue(source, 'PL', pl),
    setup: [],
    comment: single(root, 'C', source),
    moves: [],
  };
  const point = (v: string, key: string, n: number): Point => {
    try {
      return parseSgfCoord(v, width, height);
    } catch (e) {
      throw new Error(`${source}: node ${n}: ${key}[${v}]: ${(e as Error).message}`);
    }
  };
  // Setup stones in the root: AE clears, AB/AW add (compressed point lists "aa:cc" are expanded).
  const setupMap = new Map<string, Color | typeof EMPTY>();
  for (const [key, color] of [['AB', BLACK], ['AW', WHITE], ['AE', EMPTY]] as const) {
    for (const v of root.data[key] ?? []) {
      for (const p of expandPointList(v, key, width, height, source)) {
        const k = `${p.x},${p.y}`;
        if (color === WHITE && setupMap.get(k) === BLACK) throw new Error(`${source}: point ${toSgfCoord(p)} is in both AB and AW`);
        setupMap.set(k, color);
      }
    }
  }
  for (const [k, color] of setupMap) {
    if (color === EMPTY) continue;
    const [x, y] = k.split(',').map(Number);
    game.setup.push({ x, y, color });
  }
  // Main line: the first child of each node.
  let node: SgfNode | undefined = root;
  let n = 0;
  while (node) {
    if (n > 0) {
      for (const key of ['AB', 'AW', 'AE', 'SZ']) {
        if (node.data[key]) throw new Error(`${source}: node ${n}: ${key} after the root node is not supported`);
      }
    }
    const b = single(node, 'B', source);
    const w = single(node, 'W', source);
    if (b !== null && w !== null) throw new Error(`${source}: node ${n}: has both B and W moves`);
    if (b !== null || w !== null) {
      const color = b !== null ? BLACK : WHITE;
      const move: SgfMove = { color, point: point((b ?? w)!, b !== null ? 'B' : 'W', n) };
      const c = n > 0 ? single(node, 'C', source) : null;
      if (c !== null) move.comment = c;
      game.moves.push(move);
    }
    node = node.children[0];
    n++;
  }
  return game;
}

function badValue(source: string, key: string, v: string): never {
  throw new Error(`${source}: ${key}[${v}] is not valid`);
}

function expandPointList(v: string, key: string, width: number, height: number, source: string): { x: number; y: number }[] {
  const parts = v.split(':');
  const one = (s: string): { x: number; y: number } => {
    const p = (() => {
      try {
        return parseSgfCoord(s, width, height);
      } catch (e) {
        throw new Error(`${source}: ${key}[${v}]: ${(e as Error).message}`);
      }
    })();
    if (p === 'pass') throw new Error(`${source}: ${key}[${v}] is not a point`);
    return p;
  };
  if (parts.length === 1) return [one(parts[0])];
  if (parts.length !== 2) throw new Error(`${source}: ${key}[${v}] is not a point or point range`);
  const a = one(parts[0]);
  const b = one(parts[1]);
  const out: { x: number; y: number }[] = [];
  for (let y = Math.min(a.y, b.y); y <= Math.max(a.y, b.y); y++) for (let x = Math.min(a.x, b.x); x <= Math.max(a.x, b.x); x++) out.push({ x, y });
  return out;
}

/**
 * Builds a Game from a parsed SGF, playing every move and rejecting illegal ones. Rules come from RU
 * when recognised, else `defaultRules`; komi from KM, else `defaultKomi`.
 */
export function gameFromSgf(s: SgfGame, defaults: { rules: Rules; komi: number }, source = 'SGF'): Game {
  let game: Game;
  try {
    game = new Game({ width: s.width, height: s.height, rules: s.rules ?? defaults.rules, komi: s.komi ?? defaults.komi, setup: s.setup, toMove: s.firstPlayer ?? undefined });
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  for (const [i, m] of s.moves.entries()) {
    const loc = game.board.locOfPoint(m.point);
    const why = game.illegalReason(loc, m.color);
    if (why) throw new Error(`${source}: move ${i + 1} (${colorName(m.color)}[${toSgfCoord(m.point)}]) is illegal: ${why}`);
    game.play(loc, m.color);
  }
  return game;
}

function esc(text: string): string {
  return sgf.escapeString(text);
}

/** Writes a game as SGF (FF[4]): root properties, setup stones, then every move with its comment. */
export function writeSgf(
  game: Game,
  meta: { playerBlack?: string; playerWhite?: string; result?: string; comment?: string; moveComments?: (string | undefined)[]; application?: string } = {},
): string {
  const w = game.width;
  const h = game.height;
  const props: string[] = ['FF[4]', 'GM[1]', 'CA[UTF-8]', `AP[${esc(meta.application ?? 'glassbox')}]`, w === h ? `SZ[${w}]` : `SZ[${w}:${h}]`, `KM[${game.komi}]`];
  props.push(`RU[${esc(presetNameOf(game.rules) ?? rulesToJson(game.rules))}]`);
  if (meta.playerBlack) props.push(`PB[${esc(meta.playerBlack)}]`);
  if (meta.playerWhite) props.push(`PW[${esc(meta.playerWhite)}]`);
  if (meta.result) props.push(`RE[${esc(meta.result)}]`);
  const init = game.initialPosition();
  const ab: string[] = [];
  const aw: string[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = init.at(x, y);
      if (c === BLACK) ab.push(`[${toSgfCoord({ x, y })}]`);
      else if (c === WHITE) aw.push(`[${toSgfCoord({ x, y })}]`);
    }
  }
  if (ab.length) props.push(`AB${ab.join('')}`);
  if (aw.length) props.push(`AW${aw.join('')}`);
  if (game.firstToMove === WHITE) props.push('PL[W]');
  if (meta.comment) props.push(`C[${esc(meta.comment)}]`);
  const nodes = [`;${props.join('')}`];
  for (const [i, m] of game.moves.entries()) {
    const c = meta.moveComments?.[i];
    nodes.push(`;${colorName(m.color)}[${toSgfCoord(game.board.pointOf(m.loc))}]${c ? `C[${esc(c)}]` : ''}`);
  }
  return `(${nodes.join('\n')})\n`;
}
