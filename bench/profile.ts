// Where a workload's time goes: one run under tf.profile, kernel times summed by kernel name.
import { tf } from '../src/engine/tfjs.js';
import type { Workload } from './workloads/workload.js';

export interface KernelTime {
  kernel: string;
  calls: number;
  totalMs: number;
}

export interface WorkloadProfile {
  /** Wall time of the profiled run (profiling adds a little overhead per kernel). */
  runMs: number;
  /** Sum of all kernel times; the rest of runMs is JavaScript outside kernels (tape, tidy, glue). */
  kernelMs: number;
  /** Kernels by total time, largest first. */
  kernels: KernelTime[];
}

/** Profiles one run of the workload (after one unprofiled run, so first-call costs are excluded). */
export async function profileWorkload(workload: Workload): Promise<WorkloadProfile> {
  workload.run();
  const t0 = performance.now();
  const info = await tf.profile(() => workload.run());
  const runMs = performance.now() - t0;
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, totalMs: 0 };
    row.calls += 1;
    row.totalMs += ms;
    byName.set(k.name, row);
  }
  const kernels = [...byName.values()].sort((a, b) => b.totalMs - a.totalMs);
  return { runMs, kernelMs: kernels.reduce((s, k) => s + k.totalMs, 0), kernels };
}
