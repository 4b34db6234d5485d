// Test helper: runs a Python script with PyTorch as an independent reference. The script reads
// one JSON value from stdin and prints one JSON value on stdout. The interpreter is
// GLASSBOX_PYTHON, or Debian's /usr/bin/python3 (where python3-torch installs).
import { spawnSync } from 'node:child_process';

const PYTHON = process.env.GLASSBOX_PYTHON ?? '/usr/bin/python3';
let cachedReason: string | null | undefined;

/** Null when `python -c "import torch"` works, otherwise why not (for a test's skip message). */
export function torchUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) cachedReason = `PyTorch reference skipped: cannot run ${PYTHON} (${r.error.message})`;
  else if (r.status !== 0) cachedReason = `PyTorch reference skipped: ${PYTHON} cannot import torch and numpy (${r.stderr.trim().split('\n').pop()})`;
  else cachedReason = null;
  return cachedReason;
}

/** Runs `script` with `input` as JSON on stdin and returns the parsed JSON it prints. */
export function runTorch<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
  });
  if (r.error) throw new Error(`runTorch: cannot run ${PYTHON}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`runTorch: python exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Largest absolute difference between two equally long arrays (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
