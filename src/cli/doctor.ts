import type { Command } from 'commander';
import { cpus, totalmem, arch, platform } from 'node:os';
import { createRequire } from 'node:module';
import { initBackend } from '../engine/backend.js';
import { tf } from '../engine/tfjs.js';

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
  const require = createRequire(import.meta.url);
  const version = (pkg: string): string => {
    try {
      return (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  const own = require('../../package.json') as { version: string };
  return {
    backend: info.name,
    requestedBackend: info.requested,
    fallbackReason: info.fallbackReason,
    blas: typeof info.details.blas === 'string' ? info.details.blas : info.name === 'native' ? 'unknown' : 'none (pure JS kernels)',
    threads: typeof info.details.threads === 'number' ? info.details.threads : info.name === 'cpu' ? 1 : null,
    versions: {
      glassbox: own.version,
      node: process.versions.node,
      'tfjs-core': tf.version_core,
      'tfjs-backend-cpu': version('@tensorflow/tfjs-backend-cpu'),
      napi: process.versions.napi ?? 'unknown',
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      platform: platform(),
      arch: arch(),
    },
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
