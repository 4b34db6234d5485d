// GNU Go as a bot, over GTP, with rules matching KataGo's tromp-taylor as far as GNU Go allows: area
// (Chinese) counting, positional superko, multi-stone suicide allowed.
import { findExecutable } from '../gtp/client.js';
import { GtpEngineBot } from './gtp-engine.js';

export interface GnuGoOptions {
  level?: number;
  seed?: number;
  timeoutMs?: number;
}

export function gnuGoArgs(opts: GnuGoOptions = {}): string[] {
  const level = opts.level ?? 10;
  if (!Number.isInteger(level) || level < 0 || level > 10) throw new Error(`gnugo: level must be an integer 0-10, got ${level}`);
  return ['--mode', 'gtp', '--level', String(level), '--chinese-rules', '--allow-suicide', '--positional-superko', '--seed', String(opts.seed ?? 0)];
}

export function spawnGnuGo(opts: GnuGoOptions = {}): GtpEngineBot {
  const exe = findExecutable('gnugo');
  if (!exe) throw new Error('gnugo: executable not found on PATH or in /usr/games (Debian package gnugo)');
  return GtpEngineBot.spawn(exe, gnuGoArgs(opts), { name: `gnugo (level ${opts.level ?? 10})`, timeoutMs: opts.timeoutMs ?? 120_000 });
}
