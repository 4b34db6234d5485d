// Runs the Python peer scripts (bench/peers/*.py): a JSON request on stdin, a JSON reply on
// stdout's last line. Prefers /usr/bin/python3 (Debian's, which has python3-torch) over PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const PEERS_DIR = dirname(fileURLToPath(import.meta.url));
const PEER_TIMEOUT_MS = 15 * 60 * 1000;

export type PeerScript = 'torch_bench.py' | 'numpy_sgemm.py';

/** The Python interpreter to run peers with, or null when there is none. */
export function findPython(): string | null {
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'python3' : null;
}

/** A peer's answer: its reply object, or why there is none. */
export type PeerReply =
  | { ok: true; reply: Record<string, unknown> }
  /** `missing`: Python or the peer's library (numpy, torch) is not installed, as opposed to a failure. */
  | { ok: false; reason: string; missing: boolean };

/**
 * Runs a peer script with `threads` threads for every threading library (OpenMP, OpenBLAS,
 * MKL) and OMP_WAIT_POLICY=PASSIVE, so OpenMP's spinning threads do not fight OpenBLAS's.
 */
export function runPeer(script: PeerScript, request: Record<string, unknown>, threads: number): PeerReply {
  const python = findPython();
  if (!python) return { ok: false, reason: 'no python3 found', missing: true };
  const n = String(threads);
  const env = {
    ...process.env,
    OMP_WAIT_POLICY: 'PASSIVE',
    OMP_NUM_THREADS: n,
    OPENBLAS_NUM_THREADS: n,
    MKL_NUM_THREADS: n,
  };
  const r = spawnSync(python, [join(PEERS_DIR, script)], {
    input: JSON.stringify({ ...request, threads }),
    encoding: 'utf8',
    env,
    timeout: PEER_TIMEOUT_MS,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) return { ok: false, reason: `${script}: ${r.error.message}`, missing: false };
  const lastLine = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = JSON.parse(lastLine) as Record<string, unknown>;
  } catch {
    parsed = null;
  }
  if (parsed && typeof parsed.error === 'string') return { ok: false, reason: `${script}: ${parsed.error}`, missing: parsed.missing === true };
  if (r.status !== 0 || !parsed) {
    const err = (r.stderr || r.stdout || '').trim().split('\n').pop() ?? '';
    return { ok: false, reason: `${script} exited with ${r.status ?? r.signal}: ${err}`, missing: false };
  }
  return { ok: true, reply: parsed };
}
