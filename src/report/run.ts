// Run directories: each experiment run writes DIR/results.json (numbers, with a `summary`)
// and DIR/report.html. createRun records when and how a run started; writeResults adds
// that record plus the machine, backend and versions, so a results file explains itself.
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { backendInfo } from '../engine/backend.js';
import { tf } from '../engine/tfjs.js';

export interface Run {
  /** Absolute path of the run directory. */
  outDir: string;
  /** ISO-8601 start time. */
  startedAt: string;
  /** The command line that started the run. */
  command: string[];
  /** The run's seed, when it has one. */
  seed: number | null;
  /** Seconds since the run started. */
  elapsedSeconds(): number;
}

export interface CreateRunOptions {
  seed?: number;
  /** Defaults to `glassbox` followed by this process's arguments. */
  command?: string[];
}

export interface RunResults {
  /** The headline numbers of the run (what scripts and tests read). */
  summary: Record<string, unknown>;
  /**
   * Named durations in seconds. When the run was created with createRun, `wallSeconds` (elapsed)
   * and `cpuSeconds` (this process's user + system CPU time) since then are added.
   */
  timings?: Record<string, number>;
  /** Anything else worth keeping: configuration, per-class tables, curves. */
  [key: string]: unknown;
}

const runs = new Map<string, { run: Run; startMs: number; startCpu: NodeJS.CpuUsage }>();

/** Creates (or reuses) the run directory `outDir` and records the run's start. */
export function createRun(outDir: string, options: CreateRunOptions = {}): Run {
  const dir = resolve(outDir);
  const existing = statSync(dir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new Error(`output path ${outDir} exists and is not a directory`);
  mkdirSync(dir, { recursive: true });
  const startMs = Date.now();
  const run: Run = {
    outDir: dir,
    startedAt: new Date(startMs).toISOString(),
    command: options.command ?? ['glassbox', ...process.argv.slice(2)],
    seed: options.seed ?? null,
    elapsedSeconds: () => (Date.now() - startMs) / 1000,
  };
  runs.set(dir, { run, startMs, startCpu: process.cpuUsage() });
  return run;
}

/** The run created for `outDir` in this process, if any. */
export function runFor(outDir: string): Run | null {
  return runs.get(resolve(outDir))?.run ?? null;
}

/** Writes `text` to `path` through a temporary file and a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw err;
  }
}

export interface Environment {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; arch: string };
  backend: { name: string; requested: string | null; fallbackReason: string | null; details: Record<string, unknown> } | null;
  versions: Record<string, string>;
}

/** Where a run ran: machine, tensor backend (null before initBackend) and software versions. */
export function environment(): Environment {
  const require = createRequire(import.meta.url);
  const own = require('../../package.json') as { version: string };
  return {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      platform: platform(),
      arch: arch(),
    },
    backend: backendInfo(),
    versions: { glassbox: own.version, node: process.versions.node, 'tfjs-core': tf.version_core },
  };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/** Writes DIR/results.json atomically and returns its path. */
export function writeResults(outDir: string, results: RunResults): string {
  if (!results || typeof results.summary !== 'object' || results.summary === null || Array.isArray(results.summary)) {
    throw new Error('writeResults: results must have a `summary` object');
  }
  const dir = resolve(outDir);
  const record = runs.get(dir);
  if (!record) mkdirSync(dir, { recursive: true });
  const { summary, timings, ...rest } = results;
  const finishedMs = Date.now();
  const doc = {
    summary,
    ...rest,
    timings: { ...(timings ?? {}), ...(record ? { wallSeconds: (finishedMs - record.startMs) / 1000, cpuSeconds: cpuSecondsSince(record.startCpu) } : {}) },
    run: record
      ? {
          startedAt: record.run.startedAt,
          finishedAt: new Date(finishedMs).toISOString(),
          command: record.run.command,
          seed: record.run.seed,
        }
      : { finishedAt: new Date(finishedMs).toISOString() },
    ...environment(),
  };
  const path = join(dir, 'results.json');
  writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}
