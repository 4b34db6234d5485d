// Facts about the machine a benchmark ran on.
import { cpus, loadavg, platform, arch, totalmem } from 'node:os';
import { tf } from '../src/engine/tfjs.js';
import type { BackendInfo } from '../src/engine/backend.js';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  tfjs: string;
  /** The primary backend (the default, best available one unless --backends says otherwise); `glassbox_ms` uses it. */
  backend: string;
  /** Why the default backend is not native, if so. */
  backendFallback: string | null;
  /** Threads glassbox computes with; the PyTorch and numpy peers get the same number. */
  threads: number;
  threadsSource: string;
  /** BLAS of the default backend. */
  blas: string;
  /** 1-minute load average when the run started (other work on the machine makes figures noisy). */
  loadAverage1m: number;
  [extra: string]: unknown;
}

/** The thread count to give the peers: the native backend's threads, else the number of cores. */
export function glassboxThreads(info: BackendInfo): { threads: number; source: string } {
  const t = info.details.threads;
  if (info.name === 'native' && typeof t === 'number' && t > 0) return { threads: t, source: 'native backend threads' };
  return { threads: cpus().length, source: `number of cores (the ${info.name} backend is single-threaded JavaScript)` };
}

export function machineFacts(info: BackendInfo): MachineFacts {
  const { threads, source } = glassboxThreads(info);
  const blas = typeof info.details.blas === 'string' ? info.details.blas : info.name === 'cpu' ? 'none (pure JS kernels)' : 'unknown';
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()}/${arch()}`,
    node: process.versions.node,
    tfjs: tf.version_core,
    backend: info.name,
    backendFallback: info.fallbackReason,
    threads,
    threadsSource: source,
    blas,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
  };
}
