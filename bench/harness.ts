// Runs the benchmark cases on glassbox's backends and their Python peers in one process run,
// and shapes the results as the `glassbox bench --json` object.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, type BackendName } from '../src/engine/backend.js';
import { BENCH_CASES, type BenchCase, type Scale } from './cases.js';
import { machineFacts, type MachineFacts } from './machine.js';
import { findPython, runPeer } from './peers/python.js';
import { timeRuns, type RepetitionPlan, type Timing } from './timing.js';
import { profileWorkload, type WorkloadProfile } from './profile.js';

export type BenchMode = 'full' | 'quick';

/**
 * Repetitions per mode. A workload whose single warm-up run exceeds the budget (the tfjs cpu
 * backend's train steps take seconds) gets no further warm-up and minReps timed runs; every
 * figure states its repetitions.
 */
export const PLANS: Record<BenchMode | 'tiny', RepetitionPlan> = {
  full: { warmup: 2, minReps: 3, maxReps: 30, budgetMs: 5000 },
  quick: { warmup: 1, minReps: 1, maxReps: 10, budgetMs: 1500 },
  tiny: { warmup: 0, minReps: 1, maxReps: 2, budgetMs: 0 },
};

export interface BenchOptions {
  mode: BenchMode;
  /** Cases to run (default: all). */
  cases?: readonly BenchCase[];
  /**
   * Backends to measure, the first that loads being the primary one whose figures are compared
   * with the peers (default: the default backend, plus `cpu` when the default is another).
   */
  backends?: readonly BackendName[];
  /** Shapes: `full` unless a test asks for `tiny`. */
  scale?: Scale;
  /** Repetitions (default: PLANS[mode]). */
  plan?: RepetitionPlan;
  /** Also profile one run of each case on the primary backend (kernel times by name). */
  profile?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface Measurement extends Timing {
  /** GFLOP/s for `gflops` cases, else milliseconds per run (the median). */
  value: number;
}

export interface CaseResult {
  key: string;
  title: string;
  unit: 'ms' | 'gflops';
  /** Per glassbox backend; null when that backend is not available, absent when not run (--quick). */
  glassbox: Partial<Record<BackendName, Measurement | null>>;
  /** The peer's figure, or why there is none (`missing`: not installed, as opposed to a failure). */
  peer: { name: string; measurement: Measurement | null; reason: string | null; missing: boolean } | null;
  /** Kernel times of one run on the primary backend, when profiling was asked for. */
  profile?: WorkloadProfile;
}

export interface BenchResult {
  machine: MachineFacts;
  mode: BenchMode;
  scale: Scale;
  /** The primary backend: the `glassbox_ms` figures and the ratios use it. */
  primaryBackend: BackendName;
  /** The backends measured, primary first. */
  backends: BackendName[];
  cases: CaseResult[];
}

function measurementOf(c: BenchCase, shape: object, t: Timing): Measurement {
  const value = c.unit === 'gflops' ? c.flops!(shape) / (t.medianMs * 1e6) : t.medianMs;
  return { ...t, value };
}

async function measureGlassbox(c: BenchCase, scale: Scale, plan: RepetitionPlan, profile: boolean): Promise<{ m: Measurement; profile?: WorkloadProfile }> {
  const shape = c.shapes[scale];
  const workload = c.build(shape);
  try {
    const m = measurementOf(c, shape, timeRuns(() => workload.run(), plan));
    return profile ? { m, profile: await profileWorkload(workload) } : { m };
  } finally {
    workload.dispose();
  }
}

/** Runs a case's peer with the primary backend's thread count; records the peer's facts in `machine`. */
function measurePeer(c: BenchCase, scale: Scale, plan: RepetitionPlan, machine: MachineFacts): CaseResult['peer'] {
  if (!c.peer) return null;
  const shape = c.shapes[scale];
  const r = runPeer(c.peer.script, { mode: 'time', case: c.key, shape, plan }, machine.threads);
  if (!r.ok) return { name: c.peer.name, measurement: null, reason: r.reason, missing: r.missing };
  const reply = r.reply as { median_ms: number; min_ms: number; reps: number; facts?: Record<string, unknown> };
  if (reply.facts) machine[c.peer.name] = reply.facts;
  const timing: Timing = { medianMs: reply.median_ms, minMs: reply.min_ms, reps: reply.reps };
  return { name: c.peer.name, measurement: measurementOf(c, shape, timing), reason: null, missing: false };
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const scale = opts.scale ?? 'full';
  const plan = opts.plan ?? PLANS[opts.mode];
  const cases = opts.cases ?? BENCH_CASES;
  const log = opts.log ?? (() => {});
  const defaultInfo = await initBackend();
  const requested = opts.backends ?? (defaultInfo.name === 'cpu' ? ['cpu'] : [defaultInfo.name, 'cpu']);
  const results: CaseResult[] = cases.map((c) => ({ key: c.key, title: c.title, unit: c.unit, glassbox: {}, peer: null }));
  if (defaultInfo.name !== 'native') for (const r of results) r.glassbox.native = null;

  // The first backend that loads is the primary one: its figures are `glassbox_ms`, its threads
  // are the peers' threads, and each of its cases is followed at once by the peer (so both see
  // the same machine load). Then the other backends.
  let primary: { name: BackendName; machine: MachineFacts } | null = null;
  for (const backend of requested) {
    const active = await initBackend(backend);
    if (active.name !== backend) {
      for (const r of results) r.glassbox[backend] = null;
      continue;
    }
    if (!primary) {
      primary = { name: backend, machine: machineFacts(active) };
      primary.machine.backendFallback ??= defaultInfo.fallbackReason;
    }
    const isPrimary = primary.name === backend;
    for (const [i, c] of cases.entries()) {
      if (!isPrimary && opts.mode === 'quick' && !c.allBackendsInQuick) continue;
      log(`${c.key} on ${backend}...`);
      const { m, profile } = await measureGlassbox(c, scale, plan, isPrimary && opts.profile === true);
      results[i].glassbox[backend] = m;
      if (profile) results[i].profile = profile;
      if (isPrimary && c.peer) {
        log(`${c.key} on ${c.peer.name}...`);
        results[i].peer = measurePeer(c, scale, plan, primary.machine);
      }
    }
  }
  if (!primary) throw new Error(`bench: none of the backends ${requested.join(', ')} could load`);
  await initBackend(defaultInfo.name);
  primary.machine.python = findPython();
  const backends = requested.filter((b) => results.some((r) => r.glassbox[b]));
  return { machine: primary.machine, mode: opts.mode, scale, primaryBackend: primary.name, backends, cases: results };
}

/** glassbox time over peer time for the default backend (for GFLOP/s figures: peer over glassbox). */
export function timeRatio(r: CaseResult, backend: BackendName): number | null {
  const g = r.glassbox[backend];
  const p = r.peer?.measurement;
  if (!g || !p) return null;
  return g.medianMs / p.medianMs;
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits + 1));

/** The `--json` object: machine facts, then one entry per case. */
export function benchJson(result: BenchResult): Record<string, unknown> {
  const out: Record<string, unknown> = { machine: { ...result.machine, mode: result.mode, scale: result.scale } };
  for (const r of result.cases) {
    const reps: Record<string, number> = {};
    for (const [b, m] of Object.entries(r.glassbox)) if (m) reps[b] = m.reps;
    if (r.peer?.measurement) reps[r.peer.name] = r.peer.measurement.reps;
    const ratio = timeRatio(r, result.primaryBackend);
    const entry: Record<string, unknown> = {};
    if (r.unit === 'gflops') {
      const names = new Set<string>(['native', 'cpu', ...Object.keys(r.glassbox)]);
      for (const b of names) {
        const m = r.glassbox[b as BackendName];
        entry[`${b}_gflops`] = m ? round(m.value) : null;
      }
      if (r.peer) entry[`${r.peer.name}_gflops`] = r.peer.measurement ? round(r.peer.measurement.value) : null;
    } else {
      const m = r.glassbox[result.primaryBackend];
      entry.glassbox_ms = m ? round(m.value) : null;
      if (r.peer) entry[`${r.peer.name}_ms`] = r.peer.measurement ? round(r.peer.measurement.value) : null;
      entry.backend = result.primaryBackend;
      entry.ms_by_backend = Object.fromEntries(Object.entries(r.glassbox).map(([b, x]) => [b, x ? round(x.value) : null]));
    }
    entry.ratio = ratio === null ? null : round(ratio);
    entry.reps = reps;
    if (r.peer?.reason) entry.peer_unavailable = r.peer.reason;
    if (r.profile) {
      entry.profile = {
        run_ms: round(r.profile.runMs),
        kernel_ms: round(r.profile.kernelMs),
        kernels: r.profile.kernels.map((k) => ({ kernel: k.kernel, calls: k.calls, ms: round(k.totalMs) })),
      };
    }
    out[r.key] = entry;
  }
  return out;
}

/** Values computed by glassbox and by the peer from the same exported state and inputs. */
export interface PeerCheck {
  glassbox: Record<string, number[]>;
  peer: Record<string, number[]> | null;
  /** Parameter shapes (glassbox layout) as exported by glassbox and as the peer built them. */
  glassboxShapes: Record<string, number[]>;
  peerShapes: Record<string, number[]> | null;
  reason: string | null;
  /** True when the peer is not installed (Python, numpy or torch missing). */
  missing: boolean;
}

/**
 * Builds a case's workload at the given scale, exports its weights and inputs to a temp file,
 * has the peer load them, and returns the values both compute (e.g. losses of two train steps).
 */
export function checkAgainstPeer(c: BenchCase, scale: Scale, threads = 1): PeerCheck {
  if (!c.peer) throw new Error(`bench case ${c.key} has no peer to check against`);
  const workload = c.build(c.shapes[scale]);
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-bench-'));
  try {
    const state = workload.exportState();
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, JSON.stringify(state));
    const glassbox = workload.reference();
    const glassboxShapes = Object.fromEntries(Object.entries(state.params).map(([k, t]) => [k, t.shape]));
    const r = runPeer(c.peer.script, { mode: 'check', case: c.key, shape: c.shapes[scale], state: statePath }, threads);
    if (!r.ok) return { glassbox, peer: null, glassboxShapes, peerShapes: null, reason: r.reason, missing: r.missing };
    const reply = r.reply as { values: Record<string, number[]>; param_shapes?: Record<string, number[]> };
    return { glassbox, peer: reply.values, glassboxShapes, peerShapes: reply.param_shapes ?? null, reason: null, missing: false };
  } finally {
    workload.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
