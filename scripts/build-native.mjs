// Builds the native compute addon (native/) with node-gyp, run by `npm install`.
// OpenBLAS is linked when a probe program using it compiles and runs; otherwise the addon uses
// its own sgemm. If the addon cannot be built, this prints one warning and exits 0: glassbox
// then runs on the pure-JS cpu backend.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const verbose = process.env.GLASSBOX_NATIVE_VERBOSE === '1';

function log(msg) {
  if (verbose) console.log(`build-native: ${msg}`);
}

/** The node-gyp CLI: the one npm passes to install scripts, else npm's own copy, else a local one. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  // npm's own tree, next to the node binary (/usr/lib/node_modules or <prefix>/lib/node_modules).
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Local Node headers (never downloaded): npm's nodedir setting, else the ones beside this node. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath))].filter(Boolean);
  return candidates.find((d) => existsSync(join(d, 'include', 'node', 'node_api.h'))) ?? null;
}

/** True when a small program calling cblas_sgemm from OpenBLAS compiles, links and runs. */
function probeOpenBlas() {
  if (process.env.GLASSBOX_BLAS === 'builtin') return false;
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-blas-'));
  try {
    const src = join(dir, 'probe.cc');
    const exe = join(dir, 'probe');
    writeFileSync(
      src,
      [
        '#include <cblas.h>',
        'extern "C" void openblas_set_num_threads(int);',
        'int main() {',
        '  float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0, 0, 0, 0};',
        '  openblas_set_num_threads(1);',
        '  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.f, a, 2, b, 2, 0.f, c, 2);',
        '  return c[3] == 4.f ? 0 : 1;',
        '}',
      ].join('\n'),
    );
    const cc = spawnSync('c++', [src, '-o', exe, '-lopenblas'], { encoding: 'utf8' });
    if (cc.status !== 0) {
      log(`OpenBLAS probe did not compile: ${(cc.stderr || cc.error?.message || '').split('\n')[0]}`);
      return false;
    }
    return spawnSync(exe).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fail(reason) {
  console.warn(`glassbox: warning: the native compute addon was not built (${reason}); glassbox will use the slower pure-JS cpu backend.`);
  process.exit(0);
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp not found');
const nodeDir = findNodeDir();
if (!nodeDir) fail('no local Node.js headers (include/node/node_api.h) were found');
const openblas = probeOpenBlas();
log(`node-gyp ${nodeGyp}, headers ${nodeDir}, OpenBLAS ${openblas ? 'yes' : 'no'}`);

const args = [nodeGyp, 'rebuild', '--jobs=max', `--nodedir=${nodeDir}`, '--', `-Duse_openblas=${openblas ? 1 : 0}`];
const r = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: 'utf8', stdio: verbose ? 'inherit' : 'pipe' });
if (r.status !== 0) {
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n');
  const firstError = out.find((l) => /error/i.test(l)) ?? out.at(-1) ?? r.error?.message ?? 'unknown error';
  fail(`node-gyp failed: ${firstError.trim()}`);
}
console.log(`glassbox: built the native compute addon (${openblas ? 'OpenBLAS' : 'built-in sgemm'}).`);
