// The human-readable benchmark table.
import type { BackendName } from '../src/engine/backend.js';
import { timeRatio, type BenchResult, type Measurement } from './harness.js';
import type { WorkloadProfile } from './profile.js';

function cell(m: Measurement | null | undefined, unit: 'ms' | 'gflops'): string {
  if (m === undefined) return 'not run';
  if (m === null) return 'n/a';
  const v = m.value >= 100 ? m.value.toFixed(0) : m.value >= 10 ? m.value.toFixed(1) : m.value.toFixed(2);
  return `${v}${unit === 'gflops' ? ' GF/s' : ' ms'} (n=${m.reps})`;
}

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function formatBenchTable(result: BenchResult): string {
  const backends: BackendName[] = result.backends.includes('native') ? result.backends : ['native', ...result.backends];
  const header = ['case', ...backends.map((b) => `glassbox ${b}`), 'peer', `time ratio ${result.primaryBackend}/peer`];
  const rows = [header];
  for (const r of result.cases) {
    const peer = r.peer ? `${r.peer.name} ${r.peer.measurement ? cell(r.peer.measurement, r.unit) : 'n/a'}` : '-';
    const ratio = timeRatio(r, result.primaryBackend);
    rows.push([r.title, ...backends.map((b) => cell(r.glassbox[b], r.unit)), peer, ratio === null ? '-' : `${ratio.toFixed(2)}x`]);
  }
  const m = result.machine;
  const facts = [
    `machine  ${m.cores} x ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, load average ${m.loadAverage1m} at start`,
    `glassbox node ${m.node}, tfjs ${m.tfjs}, backend ${m.backend}${m.backendFallback ? ` (${m.backendFallback})` : ''}, BLAS ${m.blas}`,
    `threads  ${m.threads} (${m.threadsSource}); the peers run with the same number, OMP_WAIT_POLICY=PASSIVE`,
  ];
  const torch = m.torch as { version?: string; threads?: number } | undefined;
  if (torch) facts.push(`torch    ${torch.version} with ${torch.threads} threads`);
  const numpy = m.numpy as { version?: string; blas?: string[] } | undefined;
  if (numpy) facts.push(`numpy    ${numpy.version}, BLAS ${numpy.blas?.length ? numpy.blas.join(', ') : 'unknown'}`);
  const notes = result.cases.filter((r) => r.peer?.reason).map((r) => `peer unavailable for ${r.key}: ${r.peer!.reason}`);
  const quickNote = result.mode === 'quick' && result.backends.length > 1 ? '; --quick runs the other backends on sgemm only' : '';
  const legend = `median of n timed runs after warm-up (${result.mode} mode${result.scale === 'tiny' ? ', tiny shapes' : ''}${quickNote}); ratio > 1 means glassbox is slower; n/a: backend unavailable`;
  return [pad(rows), '', legend, ...facts, ...notes, ...result.cases.flatMap((r) => (r.profile ? ['', formatProfile(r.title, result.primaryBackend, r.profile)] : []))].join('\n');
}

const PROFILE_ROWS = 15;

function formatProfile(title: string, backend: string, p: WorkloadProfile): string {
  const rows = [['kernel', 'calls', 'ms', 'share']];
  for (const k of p.kernels.slice(0, PROFILE_ROWS)) {
    rows.push([k.kernel, String(k.calls), k.totalMs.toFixed(2), `${((100 * k.totalMs) / p.runMs).toFixed(1)}%`]);
  }
  const rest = p.kernels.slice(PROFILE_ROWS);
  if (rest.length) {
    const ms = rest.reduce((s, k) => s + k.totalMs, 0);
    rows.push([`(${rest.length} more kernels)`, String(rest.reduce((s, k) => s + k.calls, 0)), ms.toFixed(2), `${((100 * ms) / p.runMs).toFixed(1)}%`]);
  }
  const outside = p.runMs - p.kernelMs;
  rows.push(['(outside kernels)', '', outside.toFixed(2), `${((100 * outside) / p.runMs).toFixed(1)}%`]);
  return `profile of one run: ${title} on ${backend}, ${p.runMs.toFixed(1)} ms profiled\n${pad(rows)}`;
}
