import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadAddon } from './addon.js';

test('loading a missing addon throws a clear error', () => {
  const missing = join(tmpdir(), 'no-such-dir', 'glassbox_native.node');
  assert.throws(() => loadAddon(missing), /native addon is not built .*no-such-dir/);
});

test('an addon file that cannot load gives a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-addon-'));
  const bad = join(dir, 'glassbox_native.node');
  writeFileSync(bad, 'not a shared library');
  try {
    assert.throws(() => loadAddon(bad), /native addon .*glassbox_native.node failed to load/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without the addon glassbox runs on cpu with exactly one warning', () => {
  const script = [
    "import { initBackend } from './src/engine/backend.ts';",
    "import { tf } from './src/engine/tfjs.ts';",
    'const info = await initBackend();',
    'await initBackend();',
    'const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync();',
    'console.log(JSON.stringify({ name: info.name, y: Array.from(y) }));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GLASSBOX_NATIVE_ADDON: join(tmpdir(), 'no-such-dir', 'glassbox_native.node'), GLASSBOX_BACKEND: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1) ?? ''), { name: 'cpu', y: [3, 3, 3, 3] });
  const warnings = r.stderr.split('\n').filter((l) => l.includes('glassbox: warning'));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0], /native addon is not built/);
});
