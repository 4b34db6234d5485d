import type { Command } from 'commander';
import { createRequire } from 'node:module';
import { initBackend } from '../engine/backend.js';
import { environment } from '../report/run.js';

export interface DoctorReport {
  backend: string;
  requestedBackend: string | null;
  fallbackReason: string | null;
  blas: string;
  threads: number | null;
  versions: Record<string, string>;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; arch: string };
}

export async function doctorReport(): Promise<DoctorReport> {
  const info = await initBackend();
  const env = environment();
  let cpuBackendVersion = 'not installed';
  try {
    cpuBackendVersion = (createRequire(import.meta.url)('@tensorflow/tfjs-backend-cpu/package.json') as { version: string }).version;
  } catch {
    // reported as not installed
  }
  return {
    backend: info.name,
    requestedBackend: info.requested,
    fallbackReason: info.fallbackReason,
    blas: typeof info.details.blas === 'string' ? info.details.blas : { native: 'unknown', cpu: 'none (pure JS kernels)', wasm: 'none (WebAssembly kernels)' }[info.name],
    threads: typeof info.details.threads === 'number' ? info.details.threads : info.name === 'cpu' ? 1 : null,
    versions: { ...env.versions, 'tfjs-backend-cpu': cpuBackendVersion, napi: process.versions.napi ?? 'unknown' },
    machine: env.machine,
  };
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('print the backend, BLAS, threads and versions in use')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const r = await doctorReport();
      if (opts.json) {
        console.log(JSON.stringify(r));
        return;
      }
      const lines = [
        `backend           ${r.backend}${r.fallbackReason ? ` (fallback: ${r.fallbackReason})` : ''}`,
        `blas              ${r.blas}`,
        `threads           ${r.threads ?? 'unknown'}`,
        `machine           ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, ${r.machine.platform}/${r.machine.arch}`,
        ...Object.entries(r.versions).map(([k, v]) => `${k.padEnd(18)}${v}`),
      ];
      console.log(lines.join('\n'));
    });
}
