// Memory target: a GPT-2-small-shaped forward pass on 8 x 64 tokens stays under 2 GiB peak
// resident memory. It builds a 124M-parameter model (about 20 s with the native backend, minutes
// on the pure-JS cpu backend), so it runs only when GLASSBOX_MEMORY_TEST=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const enabled = process.env.GLASSBOX_MEMORY_TEST === '1';
const GIB = 1024 ** 3;

test('GPT-2 small shapes: forward on 8 x 64 tokens peaks below 2 GiB RSS', { skip: enabled ? false : 'set GLASSBOX_MEMORY_TEST=1 to run (builds a 124M-parameter model)' }, () => {
  const script = fileURLToPath(new URL('./memory-check.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '8', '64'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.trim().split('\n').pop()!;
  const m = JSON.parse(line) as { peakRssBytes: number | null; finite: boolean; parameters: number };
  assert.ok(m.finite);
  assert.ok(m.parameters > 124e6 && m.parameters < 125e6);
  if (m.peakRssBytes === null) return; // no /proc: nothing to measure
  assert.ok(m.peakRssBytes < 2 * GIB, `peak RSS ${(m.peakRssBytes / GIB).toFixed(2)} GiB`);
});
