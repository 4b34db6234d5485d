// Matches between two bots: N games on one board size and komi under Tromp-Taylor rules (area
// scoring, nothing removed; a game ends after two passes, a resignation or a move cap, where it is
// scored as it stands), colours alternating by default. Every finished game is saved as
// DIR/games/NNN.sgf (written atomically) and then recorded by one line appended to DIR/games.jsonl and
// fsynced, so an interrupted match loses no finished game: a rerun with the same DIR and settings
// skips the games in the ledger. Bots are built afresh for every game with a seed derived from the
// match seed and the game index, so a game does not depend on the games before it.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../report/run.js';
import { BLACK, WHITE, type Color } from './board/coords.js';
import { Game } from './board/game.js';
import { checkKomi, rulesPreset } from './board/rules.js';
import { scoreGame } from './board/scoring.js';
import type { Bot } from './bots/bot.js';
import { playGame } from './bots/play-game.js';
import { writeSgf } from './sgf.js';

export interface MatchConfig {
  /** Bot specs (see bots/spec.ts); bot A plays black in even-numbered games. */
  botA: string;
  botB: string;
  games: number;
  size: number;
  komi: number;
  seed: number;
  /** Swap colours every game (default true). */
  alternate: boolean;
  /** Moves after which a game is stopped and scored as it stands. */
  maxMoves: number;
}

export interface GameRecord {
  index: number;
  sgf: string;
  /** Which bot played black: 'A' or 'B'. */
  blackBot: 'A' | 'B';
  winnerColor: 'B' | 'W' | null;
  /** 'A', 'B' or null (jigo). */
  winnerBot: 'A' | 'B' | null;
  result: string;
  end: 'passes' | 'resign' | 'move-limit';
  moves: number;
  seconds: number;
}

export interface MatchHooks {
  /** Makes the bot for a spec and seed (the caller owns the model loading). */
  makeBot(spec: string, seed: number): Bot | Promise<Bot>;
  /** Called after each game is recorded (done counts games already in the ledger too). */
  onGame?(record: GameRecord, done: number): void;
  /** Checked before each game: stop early when it returns true (e.g. after SIGINT). */
  shouldStop?(): boolean;
}

const LEDGER = 'games.jsonl';
const CONFIG = 'match.json';

export function gameSeed(matchSeed: number, index: number): number {
  return (matchSeed * 1_000_003 + index * 7919) >>> 0;
}

/** The finished games recorded in DIR's ledger (a torn last line from a crash is ignored). */
export function readLedger(dir: string): GameRecord[] {
  const path = join(dir, LEDGER);
  if (!existsSync(path)) return [];
  const out: GameRecord[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as GameRecord);
    } catch (e) {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim())) throw new Error(`${path}:${i + 1}: corrupt ledger line (${(e as Error).message})`);
    }
  });
  return out;
}

/** Cuts a torn last line (a write cut short by a crash) off the ledger, so appended records start on a line of their own. */
function repairLedger(dir: string): void {
  const path = join(dir, LEDGER);
  if (!existsSync(path)) return;
  const text = readFileSync(path);
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  truncateSync(path, text.lastIndexOf(0x0a) + 1);
}

function appendLedger(dir: string, record: GameRecord): void {
  const fd = openSync(join(dir, LEDGER), 'a');
  try {
    writeSync(fd, JSON.stringify(record) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Refuses to resume a DIR whose recorded match had other settings. */
function checkConfig(dir: string, config: MatchConfig): void {
  const path = join(dir, CONFIG);
  if (existsSync(path)) {
    const old = JSON.parse(readFileSync(path, 'utf8')) as MatchConfig;
    const keys = ['botA', 'botB', 'size', 'komi', 'seed', 'alternate', 'maxMoves'] as const;
    for (const k of keys) {
      if (old[k] !== config[k]) throw new Error(`${path}: this directory holds a match with ${k} = ${JSON.stringify(old[k])}, not ${JSON.stringify(config[k])}; use another --out or the same settings to resume`);
    }
  }
  writeFileAtomic(path, JSON.stringify(config, null, 2) + '\n');
}

export function checkMatchConfig(c: MatchConfig): void {
  if (!Number.isInteger(c.games) || c.games < 1) throw new Error(`match: games must be an integer >= 1, got ${c.games}`);
  if (!Number.isInteger(c.size) || c.size < 2 || c.size > 19) throw new Error(`match: size must be an integer 2-19, got ${c.size}`);
  try {
    checkKomi(c.komi);
  } catch (e) {
    throw new Error(`match: ${(e as Error).message}`);
  }
  if (!Number.isInteger(c.maxMoves) || c.maxMoves < 1) throw new Error(`match: maxMoves must be an integer >= 1, got ${c.maxMoves}`);
}

/** Plays the games not yet in DIR's ledger; returns the recorded games 0 .. games-1, in index order. */
export async function runMatch(dir: string, config: MatchConfig, hooks: MatchHooks): Promise<GameRecord[]> {
  checkMatchConfig(config);
  mkdirSync(join(dir, 'games'), { recursive: true });
  checkConfig(dir, config);
  repairLedger(dir);
  // Games beyond config.games (from an earlier, longer run in this directory) are not part of this match.
  const done = new Map(readLedger(dir).filter((r) => r.index < config.games).map((r) => [r.index, r]));
  const digits = Math.max(3, String(config.games - 1).length);
  for (let i = 0; i < config.games; i++) {
    if (done.has(i)) continue;
    if (hooks.shouldStop?.()) break;
    const blackBot: 'A' | 'B' = config.alternate && i % 2 === 1 ? 'B' : 'A';
    const seed = gameSeed(config.seed, i);
    const specOf = (which: 'A' | 'B'): string => (which === 'A' ? config.botA : config.botB);
    const black = await hooks.makeBot(specOf(blackBot), seed);
    const white = await hooks.makeBot(specOf(blackBot === 'A' ? 'B' : 'A'), seed + 1);
    const t0 = performance.now();
    const game = new Game({ width: config.size, rules: rulesPreset('tromp-taylor').rules, komi: config.komi });
    let played;
    try {
      played = await playGame(game, { black, white }, config.maxMoves);
    } finally {
      await black.close?.();
      await white.close?.();
    }
    let winner: Color | null = played.winner;
    let result = played.result;
    if (played.end === 'move-limit') {
      const s = scoreGame(game);
      winner = s.whiteMinusBlack > 0 ? WHITE : s.whiteMinusBlack < 0 ? BLACK : null;
      result = s.result;
    }
    const winnerBot = winner === null ? null : (winner === BLACK) === (blackBot === 'A') ? 'A' : 'B';
    const name = `${String(i).padStart(digits, '0')}.sgf`;
    const sgf = writeSgf(game, {
      playerBlack: `${black.name} [${specOf(blackBot)}]`,
      playerWhite: `${white.name} [${specOf(blackBot === 'A' ? 'B' : 'A')}]`,
      result,
      comment: `glassbox go match game ${i}, seed ${seed}, ended by ${played.end}${played.end === 'move-limit' ? ` (${config.maxMoves} moves; scored as it stood)` : ''}`,
    });
    writeFileAtomic(join(dir, 'games', name), sgf);
    const record: GameRecord = {
      index: i,
      sgf: `games/${name}`,
      blackBot,
      winnerColor: winner === null ? null : winner === BLACK ? 'B' : 'W',
      winnerBot,
      result,
      end: played.end,
      moves: game.moves.length,
      seconds: (performance.now() - t0) / 1000,
    };
    appendLedger(dir, record);
    done.set(i, record);
    hooks.onGame?.(record, done.size);
  }
  return [...done.values()].sort((a, b) => a.index - b.index);
}

/** Wilson score interval for a binomial proportion (z = 1.96: 95%). */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface MatchSummary {
  games: number;
  botA: string;
  botB: string;
  wins: { A: number; B: number; draws: number };
  /** Win rate of each bot (a draw counts half), with a Wilson 95% interval on that same rate. */
  winRate: { A: number; B: number };
  winRateCI95: { A: [number, number]; B: [number, number] };
  winsAsBlack: { A: number; B: number };
  winsAsWhite: { A: number; B: number };
  meanGameLength: number;
  ends: Record<string, number>;
}

export function summarizeMatch(config: MatchConfig, records: GameRecord[]): MatchSummary {
  const n = records.length;
  const count = (f: (r: GameRecord) => boolean): number => records.filter(f).length;
  const a = count((r) => r.winnerBot === 'A');
  const b = count((r) => r.winnerBot === 'B');
  const draws = n - a - b;
  const ends: Record<string, number> = {};
  for (const r of records) ends[r.end] = (ends[r.end] ?? 0) + 1;
  return {
    games: n,
    botA: config.botA,
    botB: config.botB,
    wins: { A: a, B: b, draws },
    winRate: { A: n ? (a + draws / 2) / n : 0, B: n ? (b + draws / 2) / n : 0 },
    winRateCI95: { A: wilsonInterval(a + draws / 2, n), B: wilsonInterval(b + draws / 2, n) },
    winsAsBlack: { A: count((r) => r.winnerBot === 'A' && r.blackBot === 'A'), B: count((r) => r.winnerBot === 'B' && r.blackBot === 'B') },
    winsAsWhite: { A: count((r) => r.winnerBot === 'A' && r.blackBot === 'B'), B: count((r) => r.winnerBot === 'B' && r.blackBot === 'A') },
    meanGameLength: n ? records.reduce((s, r) => s + r.moves, 0) / n : 0,
    ends,
  };
}
