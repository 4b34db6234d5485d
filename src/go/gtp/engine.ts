// The glassbox GTP engine: GTP version 2 framing (optional numeric ids echoed, "= " / "? " replies
// ending in a blank line, comments and blank lines ignored, control characters dropped) and the
// standard commands plus KataGo's rules and board-size extensions. Moves for genmove come from a Bot.
// A malformed or failing command gets "? message" and the engine carries on.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BLACK, PASS, WHITE, type Color, MAX_SIZE, MIN_SIZE, parseColor, parseGtpVertex, toGtpVertex } from '../board/coords.js';
import { Game } from '../board/game.js';
import { type Rules, checkKomi, parseKomi, parseRules, rulesPreset, rulesToJson } from '../board/rules.js';
import { scoreGame, stonesInArea } from '../board/scoring.js';
import { passAliveArea } from '../board/benson.js';
import { gameFromSgf, parseSgf, writeSgf } from '../sgf.js';
import type { Bot } from '../bots/bot.js';

class CommandError extends Error {}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../../package.json') as { version: string }).version;
}

export interface GtpEngineOptions {
  bot: Bot;
  /** Initial rules preset or JSON (default tromp-taylor) and komi (default: the preset's). */
  rules?: string;
  komi?: number;
  /**
   * White's ownership per point (y * width + x, in [-1, 1]) of a position, e.g. from a network search,
   * or null to fall back. When it gives one, final_status_list and final_score treat a stone as dead
   * when its colour's ownership of its point is negative; otherwise dead stones come from Benson's
   * algorithm.
   */
  ownership?: (game: Game) => Promise<Float32Array | null>;
}

/**
 * A streaming reply (kata-analyze): the engine answers "=" at once, then `run` writes lines through
 * `write` until `stop.stopped` becomes true, which happens when the next input line arrives (or the
 * input ends); the engine then waits for `run` to return and ends the reply with its blank line.
 */
export class GtpStream {
  constructor(readonly run: (write: (text: string) => void, stop: { readonly stopped: boolean }) => Promise<void>) {}
}

/** A command: its arguments in, the reply body (or a stream) out (throw to answer with an error). */
export type GtpHandler = (args: string[]) => string | GtpStream | Promise<string | GtpStream>;

export class GtpEngine {
  readonly bot: Bot;
  game: Game;
  /** Set once `quit` has been answered. */
  quitRequested = false;
  private readonly handlers: Map<string, GtpHandler>;
  private readonly ownership: ((game: Game) => Promise<Float32Array | null>) | null;
  /** Where streaming replies write (set by serveGtp). */
  streamOutput: ((text: string) => void) | null = null;
  private stream: { stop: { stopped: boolean }; done: Promise<void> } | null = null;

  constructor(opts: GtpEngineOptions) {
    this.bot = opts.bot;
    this.ownership = opts.ownership ?? null;
    const parsed = parseRules(opts.rules ?? 'tromp-taylor', true);
    this.game = new Game({ width: 19, rules: parsed.rules, komi: checkKomi(opts.komi ?? parsed.komi) });
    this.handlers = new Map<string, GtpHandler>([
      ['protocol_version', () => '2'],
      ['name', () => `glassbox ${this.bot.name}`],
      ['version', () => version()],
      ['known_command', (a) => String(this.handlers.has(a[0] ?? ''))],
      ['list_commands', () => [...this.handlers.keys()].join('\n')],
      ['quit', () => { this.quitRequested = true; return ''; }],
      ['boardsize', (a) => this.boardsize(a)],
      ['rectangular_boardsize', (a) => this.boardsize(a)],
      ['clear_board', () => { this.game = this.freshGame(this.game.width, this.game.height); return ''; }],
      ['komi', (a) => this.komi(a)],
      ['get_komi', () => String(this.game.komi)],
      ['play', (a) => this.play(a)],
      ['undo', () => { if (!this.game.undo()) throw new CommandError('cannot undo'); return ''; }],
      ['genmove', (a) => this.genmove(a)],
      ['showboard', () => `\n${this.game.board.toString()}\n${colorWord(this.game.toMove)} to move; captures: black ${this.game.board.captures[BLACK]}, white ${this.game.board.captures[WHITE]}`],
      ['final_score', () => this.finalScore()],
      ['final_status_list', (a) => this.finalStatusList(a)],
      ['loadsgf', (a) => this.loadsgf(a)],
      ['printsgf', (a) => this.printsgf(a)],
      ['kata-get-rules', (a) => { need(a, 0, 'kata-get-rules'); return rulesToJson(this.game.rules); }],
      ['kata-set-rules', (a) => this.setRules(a.join(' '))],
      ['kata-set-rule', (a) => this.setRule(a)],
      // KataGo's `stop`: any input line ends a streaming reply; this one does nothing else.
      ['stop', () => ''],
      ['kata-analyze', () => { throw new CommandError('kata-analyze needs a network: start the engine with --model FILE'); }],
      ['lz-analyze', () => { throw new CommandError('lz-analyze needs a network: start the engine with --model FILE'); }],
    ]);
  }

  /**
   * Adds or replaces a command (e.g. kata-raw-nn once a network exists). The handler gets the
   * arguments and returns the reply body; throwing answers "? message".
   */
  registerCommand(name: string, handler: GtpHandler): void {
    if (!/^[A-Za-z][\w-]*$/.test(name)) throw new Error(`invalid GTP command name '${name}'`);
    this.handlers.set(name, handler);
  }

  private freshGame(width: number, height: number, rules: Rules = this.game?.rules ?? rulesPreset('tromp-taylor').rules, komi: number = this.game?.komi ?? 7.5): Game {
    return new Game({ width, height, rules, komi });
  }

  /**
   * Handles one input line; returns the full reply ("=id body\n\n" or "?id message\n\n"), or null
   * for lines that are empty or only a comment.
   */
  async handleLine(raw: string): Promise<string | null> {
    // Any input line, even an empty one, ends a streaming reply first (as KataGo's analysis does).
    const ended = await this.stopStream();
    const reply = await this.replyTo(raw);
    return ended || reply !== null ? ended + (reply ?? '') : null;
  }

  /** Ends a running streaming reply: returns the blank line that closes it, or '' when none runs. */
  async stopStream(): Promise<string> {
    const s = this.stream;
    if (!s) return '';
    s.stop.stopped = true;
    await s.done;
    this.stream = null;
    return '\n';
  }

  private startStream(stream: GtpStream): void {
    const write = this.streamOutput;
    if (!write) throw new CommandError('this command streams its reply and needs the GTP server (serveGtp) to write it');
    const stop = { stopped: false };
    // Starts after the "=" header has been written (the header is written when handleLine resolves).
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => stream.run(write, stop))
      .catch((e: Error) => {
        process.stderr.write(`glassbox gtp: streaming reply stopped: ${e.message}\n`);
      });
    this.stream = { stop, done };
  }

  private async replyTo(raw: string): Promise<string | null> {
    // GTP preprocessing: drop control characters but tab/newline, tabs become spaces, strip comments.
    let line = raw.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').replace(/\t/g, ' ');
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (!line) return null;
    const words = line.split(/\s+/);
    let id = '';
    if (/^\d+$/.test(words[0])) id = words.shift()!;
    const command = words.shift();
    if (!command) return `?${id} missing command\n\n`;
    const handler = this.handlers.get(command);
    if (!handler) return `?${id} unknown command\n\n`;
    try {
      const body = await handler(words);
      if (body instanceof GtpStream) {
        this.startStream(body);
        return `=${id}\n`;
      }
      // A blank line ends a reply, so a body may not contain one.
      return `=${id} ${body.replace(/\n\s*\n/g, '\n')}\n\n`;
    } catch (e) {
      const msg = (e as Error).message.replace(/\s*\n\s*/g, ' ');
      return `?${id} ${msg}\n\n`;
    }
  }

  /** boardsize / rectangular_boardsize, as KataGo takes them: SIZE, WIDTH HEIGHT or WIDTH:HEIGHT. */
  private boardsize(a: string[]): string {
    if (a.length < 1 || a.length > 2) throw new CommandError('expected boardsize SIZE, WIDTH HEIGHT or WIDTH:HEIGHT');
    const parts = a.length === 1 && a[0].includes(':') ? a[0].split(':') : a;
    if (parts.length > 2) throw new CommandError(`boardsize needs integers, got '${a.join(' ')}'`);
    const [w, h] = [int(parts[0]), int(parts[1] ?? parts[0])];
    if (w === null || h === null) throw new CommandError(`boardsize needs integers, got '${a.join(' ')}'`);
    if (w < MIN_SIZE || h < MIN_SIZE || w > MAX_SIZE || h > MAX_SIZE) throw new CommandError(`unacceptable size (${MIN_SIZE} to ${MAX_SIZE})`);
    this.game = this.freshGame(w, h);
    return '';
  }

  private komi(a: string[]): string {
    need(a, 1, 'komi VALUE');
    this.game.komi = parseKomi(a[0]);
    return '';
  }

  private play(a: string[]): string {
    need(a, 2, 'play COLOR VERTEX');
    const color = parseColor(a[0]);
    const p = parseGtpVertex(a[1], this.game.width, this.game.height);
    const loc = this.game.board.locOfPoint(p);
    const why = this.game.illegalReason(loc, color);
    if (why) throw new CommandError(`illegal move: ${why}`);
    this.game.play(loc, color);
    return '';
  }

  private async genmove(a: string[]): Promise<string> {
    need(a, 1, 'genmove COLOR');
    const color = parseColor(a[0]);
    const move = await this.bot.genMove(this.game, color);
    if (move === 'resign') return 'resign';
    const why = this.game.illegalReason(move, color);
    if (why) throw new Error(`bot '${this.bot.name}' chose an illegal move (${why})`);
    this.game.play(move, color);
    return move === PASS ? 'pass' : toGtpVertex(this.game.board.pointOf(move), this.game.height);
  }

  /**
   * Dead stones: with an ownership estimate, stones whose point the opponent more likely owns (ownership
   * from the stone's colour < 0); otherwise the unconditionally dead ones (bensonDead).
   */
  private async deadStones(): Promise<number[]> {
    const own = this.ownership ? await this.ownership(this.game) : null;
    return own ? this.deadByOwnership(own) : this.bensonDead();
  }

  private deadByOwnership(whiteOwnership: Float32Array): number[] {
    const b = this.game.board;
    const dead: number[] = [];
    for (let y = 0; y < b.height; y++) {
      for (let x = 0; x < b.width; x++) {
        const loc = b.loc(x, y);
        const s = b.stones[loc];
        const o = whiteOwnership[y * b.width + x];
        if ((s === WHITE && o < 0) || (s === BLACK && o > 0)) dead.push(loc);
      }
    }
    return dead;
  }

  /** Stones inside the opponent's pass-alive area (Benson): unconditionally dead. */
  private bensonDead(): number[] {
    const b = this.game.board;
    const area = passAliveArea(b, this.game.rules.suicide);
    return [...stonesInArea(b, area, BLACK), ...stonesInArea(b, area, WHITE)];
  }

  /**
   * With an ownership estimate (a network search, unfinished games): the stones final_status_list calls
   * dead are removed as prisoners, then the position is scored by its rules. Otherwise: area rules =
   * exact Tromp-Taylor score of the position (nothing removed); territory rules remove the stones inside
   * the opponent's pass-alive area, then territory plus prisoners.
   */
  private async finalScore(): Promise<string> {
    const own = this.ownership ? await this.ownership(this.game) : null;
    const dead = own ? this.deadByOwnership(own) : this.game.rules.scoring === 'TERRITORY' ? this.bensonDead() : [];
    return scoreGame(this.game, dead).result;
  }

  /** alive / dead as deadStones() decides; seki is always empty (no seki detection). */
  private async finalStatusList(a: string[]): Promise<string> {
    need(a, 1, 'final_status_list alive|dead|seki');
    const status = a[0].toLowerCase();
    if (!['alive', 'dead', 'seki'].includes(status)) throw new CommandError(`unknown status '${a[0]}': expected alive, dead or seki`);
    if (status === 'seki') return '';
    const dead = new Set(await this.deadStones());
    const b = this.game.board;
    const out: string[] = [];
    for (let y = 0; y < b.height; y++) {
      for (let x = 0; x < b.width; x++) {
        const loc = b.loc(x, y);
        if (b.stones[loc] !== BLACK && b.stones[loc] !== WHITE) continue;
        if (dead.has(loc) === (status === 'dead')) out.push(toGtpVertex({ x, y }, b.height));
      }
    }
    return out.join(' ');
  }

  private loadsgf(a: string[]): string {
    if (a.length < 1 || a.length > 2) throw new CommandError('expected loadsgf FILE [MOVE_NUMBER]');
    let text: string;
    try {
      text = readFileSync(a[0], 'utf8');
    } catch (e) {
      throw new CommandError(`cannot read ${a[0]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const sgf = parseSgf(text, a[0]);
    if (a[1] !== undefined) {
      // Position before move number MOVE_NUMBER (1-based) is played.
      const n = int(a[1]);
      if (n === null || n < 1) throw new CommandError(`move number must be a positive integer, got '${a[1]}'`);
      sgf.moves = sgf.moves.slice(0, n - 1);
    }
    this.game = gameFromSgf(sgf, { rules: this.game.rules, komi: this.game.komi }, a[0]);
    return colorWord(this.game.toMove);
  }

  private printsgf(a: string[]): string {
    const text = writeSgf(this.game, { application: `glassbox:${version()}`, result: this.game.isOver ? scoreGame(this.game).result : undefined });
    if (a.length === 0) return text.trim();
    writeFileSync(a[0], text);
    return '';
  }

  private setRules(text: string): string {
    if (!text) throw new CommandError('expected kata-set-rules RULES (a preset name or JSON)');
    let rules: Rules;
    try {
      rules = parseRules(text).rules;
    } catch (e) {
      throw new CommandError(`Unknown rules '${text}', ${(e as Error).message}`);
    }
    this.game.setRules(rules);
    return '';
  }

  private setRule(a: string[]): string {
    need(a, 2, 'kata-set-rule KEY VALUE');
    const [key, value] = a;
    const isBool = ['suicide', 'hasButton', 'friendlyPassOk'].includes(key);
    let v: string | boolean = value;
    if (isBool) {
      const low = value.toLowerCase();
      if (low !== 'true' && low !== 'false') throw new CommandError(`rule '${key}' needs true or false, got '${value}'`);
      v = low === 'true';
    } else {
      v = value.toUpperCase();
    }
    const current = JSON.parse(rulesToJson(this.game.rules)) as Record<string, unknown>;
    const field = key === 'score' ? 'scoring' : key;
    if (!(field in current)) throw new CommandError(`unknown rules option '${key}'`);
    current[field] = v;
    return this.setRules(JSON.stringify(current));
  }
}

function colorWord(c: Color): string {
  return c === BLACK ? 'black' : 'white';
}

function need(a: string[], n: number, usage: string): void {
  if (a.length !== n) throw new CommandError(`expected ${usage}, got ${a.length} argument${a.length === 1 ? '' : 's'}`);
}

function int(s: string): number | null {
  return /^-?\d+$/.test(s) ? Number(s) : null;
}
