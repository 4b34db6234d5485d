// Option parsers shared by the command files: each turns a bad value into commander's
// one-line "option '--x <n>' argument 'y' is invalid. <reason>" error. Also the three options
// every experiment command takes (--out, --seed, --quick) and the typed way to read them back.
import { InvalidArgumentError, Option, type Command } from 'commander';

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
}

export const parseSeed = parseNonNegativeInt;

export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

export function parseNonNegativeNumber(value: string): number {
  const n = parseNumber(value);
  if (n < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return n;
}

/** How one experiment command words its --out, --seed and --quick options. */
export interface ExperimentOptionsHelp {
  /** Help text of --out. */
  out: string;
  /** Default run directory; without one, --out is required. */
  outDefault?: string;
  /** Help text of --seed (default "random seed"); the seed defaults to 0. */
  seed?: string;
  /** What --quick makes smaller. */
  quick: string;
}

/** --out, --seed and --quick as commander hands them to an action. */
export interface ExperimentCliOptions {
  out: string;
  seed: number;
  quick?: boolean;
}

/** --out, --seed and --quick as the experiment modules take them. */
export interface ExperimentSettings {
  outDir: string;
  seed: number;
  quick: boolean;
}

/** Adds `--out <dir>`, `--seed <n>` (a non-negative integer, default 0) and `--quick`, in that order. */
export function addExperimentOptions(cmd: Command, help: ExperimentOptionsHelp): Command {
  const out = new Option('--out <dir>', help.out);
  if (help.outDefault === undefined) out.makeOptionMandatory();
  else out.default(help.outDefault);
  return cmd
    .addOption(out)
    .option('--seed <n>', help.seed ?? 'random seed', parseSeed, 0)
    .option('--quick', help.quick);
}

/** The options added by addExperimentOptions, read back from an action's options. */
export function experimentSettings(opts: ExperimentCliOptions): ExperimentSettings {
  return { outDir: opts.out, seed: opts.seed, quick: opts.quick ?? false };
}
