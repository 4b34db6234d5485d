// Model file parsing: the real g170 network (when ../shared is present), rejection of corrupt,
// truncated and unsupported files, and the newer-version paths (v15: Mish, nested bottleneck blocks,
// two policy channels, pass head with its own nonlinearity, six score outputs) checked by running a
// small synthetic model against an independent numpy implementation that parses the file itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { initBackend } from '../../engine/backend.js';
import { Rng } from '../../engine/rng.js';
import { loadKataGoModel, parseKataGoModel } from './model-file.js';
import { KataGoNetwork } from './network.js';

const MODEL = join(fileURLToPath(new URL('../../../', import.meta.url)), '..', 'shared', 'katago', 'g170-b6c96-s175395328-d26788732.bin.gz');
const PYTHON = '/usr/bin/python3';

/** Writes a small random KataGo model of the given version in the .bin format. */
function syntheticModel(version: number, rng: Rng): Uint8Array {
  const parts: (string | Float32Array)[] = [];
  const tok = (...t: (string | number)[]): void => { parts.push(`${t.join('\n')}\n`); };
  const floats = (n: number, scale: number, offset = 0): void => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = offset + scale * rng.normal();
    parts.push('@BIN@', a, '\n');
  };
  const positive = (n: number): void => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = 0.5 + Math.abs(rng.normal());
    parts.push('@BIN@', a, '\n');
  };
  const act = (name: string, kind = 'ACTIVATION_MISH'): void => (version >= 11 ? tok(name, kind) : tok(name));
  const conv = (name: string, k: number, cin: number, cout: number): void => { tok(name, k, k, cin, cout, 1, 1); floats(k * k * cin * cout, 0.3 / Math.sqrt(cin)); };
  const norm = (name: string, c: number): void => { tok(name, c, 1e-5, 1, 1); floats(c, 0.1); positive(c); floats(c, 0.2, 1); floats(c, 0.1); };
  const mat = (name: string, cin: number, cout: number): void => { tok(name, cin, cout); floats(cin * cout, 0.5 / Math.sqrt(cin)); };
  const bias = (name: string, c: number): void => { tok(name, c); floats(c, 0.1); };
  const C = 8, MID = 6, G = 4;
  const ordinary = (name: string, c: number): void => {
    tok('ordinary_block', name);
    norm(`${name}/norm1`, c); act(`${name}/act1`); conv(`${name}/conv1`, 3, c, MID);
    norm(`${name}/norm2`, MID); act(`${name}/act2`); conv(`${name}/conv2`, 3, MID, c);
  };

  tok(`synthetic-v${version}`, version, 22, 19);
  if (version >= 13) tok(20, 20, 20, 20, 40, 0.25, 30);
  if (version >= 15) tok(0, 0, 0, 0, 0, 0, 0, 0);
  tok('trunk', 3, C, MID, MID, 0, G);
  if (version >= 15) tok(0, 0, 0, 0, 0, 0);
  conv('conv1', 5, 22, C);
  mat('ginput', 19, C);
  ordinary('b1', C);
  tok('gpool_block', 'b2');
  norm('b2/norm1', C); act('b2/act1'); conv('b2/regular', 3, C, MID); conv('b2/gpool', 3, C, G);
  norm('b2/gnorm', G); act('b2/gact'); mat('b2/gmul', 3 * G, MID);
  norm('b2/norm2', MID); act('b2/act2'); conv('b2/conv2', 3, MID, C);
  if (version >= 15) {
    tok('nested_bottleneck_block', 'b3', 1);
    norm('b3/pre', C); act('b3/preact'); conv('b3/preconv', 1, C, MID);
    ordinary('b3/inner', MID);
    norm('b3/post', MID); act('b3/postact'); conv('b3/postconv', 1, MID, C);
  } else {
    ordinary('b3', C);
  }
  norm('trunk/tipnorm', C); act('trunk/tipact');

  const P = version >= 12 ? 2 : 1;
  tok('policyhead');
  conv('p1', 1, C, 5); conv('g1', 1, C, 3); norm('g1norm', 3); act('g1act'); mat('gpoolbias', 9, 5);
  norm('p1norm', 5); act('p1act'); conv('p2', 1, 5, P); mat('gpoolpass', 9, version >= 15 ? 5 : P);
  if (version >= 15) { bias('passbias', 5); act('passact'); mat('gpoolpass2', 5, P); }

  const S = version >= 9 ? 6 : 4;
  tok('valuehead');
  conv('v1', 1, C, 3); norm('v1norm', 3); act('v1act'); mat('v2', 9, 7); bias('v2bias', 7); act('v2act');
  mat('v3', 7, 3); bias('v3bias', 3); mat('sv3', 7, S); bias('sv3bias', S); conv('ownership', 1, 3, 1);

  const chunks = parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  return new Uint8Array(Buffer.concat(chunks));
}

test('the g170 network parses: version 8, six blocks with global pooling in blocks 3 and 5', { skip: existsSync(MODEL) ? false : `KataGo model not found at ${MODEL}` }, () => {
  const m = loadKataGoModel(MODEL);
  assert.equal(m.name, 'g170-b6c96-s175395328-d26788732');
  assert.equal(m.version, 8);
  assert.deepEqual(m.trunk.blocks.map((b) => b.kind), ['ordinary', 'ordinary', 'gpool', 'ordinary', 'gpool', 'ordinary']);
  assert.equal(m.trunk.channels, 96);
  assert.equal(m.policyHead.p1Conv.outChannels, 32);
  assert.equal(m.valueHead.v2Mul.outChannels, 64);
  assert.equal(m.valueHead.sv3Mul.outChannels, 4);
});

test('corrupt, truncated and unsupported model files are rejected with clear errors', () => {
  const bytes = syntheticModel(8, new Rng(1));
  assert.doesNotThrow(() => parseKataGoModel(bytes, 'ok.bin'));
  assert.throws(() => parseKataGoModel(bytes.subarray(0, Math.floor(bytes.length * 0.6)), 'cut.bin'), /cut\.bin: .*(truncated)/);
  assert.throws(() => parseKataGoModel(bytes.subarray(0, 30), 'head.bin'), /head\.bin: .*truncated/);
  const text = Buffer.from(bytes).toString('latin1');
  const withVersion = (v: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/^(\S+)\n8\n/, `$1\n${v}\n`), 'latin1'));
  assert.throws(() => parseKataGoModel(withVersion('7'), 'v7.bin'), /model version 7 is not supported \(supported: 8 to 15\)/);
  assert.throws(() => parseKataGoModel(withVersion('16'), 'v16.bin'), /model version 16 is not supported/);
  assert.throws(() => parseKataGoModel(new Uint8Array(Buffer.from('hello world this is not a model')), 'junk.bin'), /junk\.bin: expected the model version/);
  const wrongChannels = new Uint8Array(Buffer.from(text.replace('trunk\n3\n8\n', 'trunk\n3\n9\n'), 'latin1'));
  assert.throws(() => parseKataGoModel(wrongChannels, 'ch.bin'), /ch\.bin: .*channels is 8, expected 9/);
  const extra = new Uint8Array(Buffer.concat([Buffer.from(bytes), Buffer.from('junk\n')]));
  assert.throws(() => parseKataGoModel(extra, 'extra.bin'), /unexpected data after the value head/);

  const dir = mkdtempSync(join(tmpdir(), 'katago-model-'));
  try {
    const gz = gzipSync(bytes);
    writeFileSync(join(dir, 'ok.bin.gz'), gz);
    assert.equal(loadKataGoModel(join(dir, 'ok.bin.gz')).version, 8);
    writeFileSync(join(dir, 'cut.bin.gz'), gz.subarray(0, gz.length >> 1));
    assert.throws(() => loadKataGoModel(join(dir, 'cut.bin.gz')), /gzip data is corrupt or truncated/);
    writeFileSync(join(dir, 'plain.bin.gz'), bytes);
    assert.throws(() => loadKataGoModel(join(dir, 'plain.bin.gz')), /not gzip data/);
    assert.throws(() => loadKataGoModel(join(dir, 'missing.bin.gz')), /cannot read KataGo model/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const PEER = String.raw`
import sys, json, numpy as np
data = open(sys.argv[1], 'rb').read()
pos = 0
def tok():
    global pos
    while data[pos:pos+1].isspace(): pos += 1
    s = pos
    while pos < len(data) and not data[pos:pos+1].isspace(): pos += 1
    return data[s:pos].decode('latin1')
def floats(n):
    global pos
    pos = data.index(b'@BIN@', pos) + 5
    a = np.frombuffer(data[pos:pos+4*n], dtype='<f4').astype(np.float64)
    pos += 4*n
    return a
version = None
def conv():
    tok(); ky, kx, ci, co = int(tok()), int(tok()), int(tok()), int(tok()); tok(); tok()
    return floats(ky*kx*ci*co).reshape(ky, kx, ci, co)
def norm():
    tok(); c = int(tok()); eps = float(tok()); hs = int(tok()); hb = int(tok())
    mean, var = floats(c), floats(c)
    g = floats(c) if hs else np.ones(c); b = floats(c) if hb else np.zeros(c)
    return (mean, var, g, b, eps)
def act():
    tok()
    return tok() if version >= 11 else 'ACTIVATION_RELU'
def mat():
    tok(); ci, co = int(tok()), int(tok()); return floats(ci*co).reshape(ci, co)
def bias():
    tok(); c = int(tok()); return floats(c)
def A(x, k):
    if k == 'ACTIVATION_RELU': return np.maximum(x, 0)
    if k == 'ACTIVATION_MISH': return x * np.tanh(np.log1p(np.exp(x)))
    if k == 'ACTIVATION_SILU': return x / (1 + np.exp(-x))
    return x
inp = json.load(open(sys.argv[2]))
N, H, W = inp['n'], inp['h'], inp['w']
X = np.array(inp['spatial'], dtype=np.float64).reshape(N, H, W, 22)
Gin = np.array(inp['global'], dtype=np.float64).reshape(N, 19)
mask = X[:, :, :, 0:1]
msum = mask.sum(axis=(1, 2))
def CV(x, w):
    ky, kx, ci, co = w.shape
    py, px = ky // 2, kx // 2
    xp = np.pad(x, ((0, 0), (py, py), (px, px), (0, 0)))
    out = np.zeros(x.shape[:3] + (co,))
    for dy in range(ky):
        for dx in range(kx):
            out += np.einsum('nhwc,cd->nhwd', xp[:, dy:dy+H, dx:dx+W, :], w[dy, dx])
    return out
def NA(x, n, a):
    mean, var, g, b, eps = n
    return A((x - mean) / np.sqrt(var + eps) * g + b, a) * mask
def GP(x):
    m = x.sum(axis=(1, 2)) / msum
    mx = (x + (mask - 1)).max(axis=(1, 2))
    return np.concatenate([m, m * (np.sqrt(msum) - 14) * 0.1, mx], axis=1)
def VP(x):
    m = x.sum(axis=(1, 2)) / msum
    s = np.sqrt(msum) - 14
    return np.concatenate([m, m * s * 0.1, m * (s * s * 0.01 - 0.1)], axis=1)
def blocks(x, count):
    for _ in range(count):
        kind = tok(); tok()
        if kind == 'ordinary_block':
            n1, a1, c1, n2, a2, c2 = norm(), act(), conv(), norm(), act(), conv()
            x = x + CV(NA(CV(NA(x, n1, a1), c1), n2, a2), c2)
        elif kind == 'gpool_block':
            n1, a1, cr, cg, ng, ag, mg, n2, a2, c2 = norm(), act(), conv(), conv(), norm(), act(), mat(), norm(), act(), conv()
            t = NA(x, n1, a1)
            r = CV(t, cr) + (GP(NA(CV(t, cg), ng, ag)) @ mg)[:, None, None, :]
            x = x + CV(NA(r, n2, a2), c2)
        else:
            inner = int(tok())
            n1, a1, c1 = norm(), act(), conv()
            y = blocks(CV(NA(x, n1, a1), c1), inner)
            n2, a2, c2 = norm(), act(), conv()
            x = x + CV(NA(y, n2, a2), c2)
    return x
tok(); version = int(tok()); tok(); tok()
if version >= 13:
    for _ in range(7): tok()
if version >= 15:
    for _ in range(8): tok()
tok(); nb = int(tok())
for _ in range(5): tok()
if version >= 15:
    for _ in range(6): tok()
c1, m1 = conv(), mat()
x = CV(X, c1) + (Gin @ m1)[:, None, None, :]
x = blocks(x, nb)
tn, ta = norm(), act()
x = NA(x, tn, ta)
tok()
p1, g1, g1n, g1a, gb, p1n, p1a, p2, gp = conv(), conv(), norm(), act(), mat(), norm(), act(), conv(), mat()
g = GP(NA(CV(x, g1), g1n, g1a))
pol = CV(NA(CV(x, p1) + (g @ gb)[:, None, None, :], p1n, p1a), p2)[:, :, :, 0]
ps = g @ gp
if version >= 15:
    pb, pa, gp2 = bias(), act(), mat()
    ps = A(ps + pb, pa) @ gp2
tok()
v1, v1n, v1a, v2, v2b, v2a, v3, v3b, sv3, sv3b, own = conv(), norm(), act(), mat(), bias(), act(), mat(), bias(), mat(), bias(), conv()
v = NA(CV(x, v1), v1n, v1a)
h = A(VP(v) @ v2 + v2b, v2a)
print(json.dumps({'policy': pol.reshape(N, -1).tolist(), 'pass': ps[:, 0].tolist(), 'value': (h @ v3 + v3b).tolist(),
  'score': (h @ sv3 + sv3b).tolist(), 'ownership': CV(v, own).reshape(N, -1).tolist()}))
`;

for (const version of [8, 15]) {
  test(`network forward of a synthetic version ${version} model matches a numpy implementation (padded and unpadded boards)`, { skip: existsSync(PYTHON) ? false : `${PYTHON} not found (numpy peer)` }, async () => {
    await initBackend();
    const rng = new Rng(100 + version);
    const bytes = syntheticModel(version, rng);
    const net = new KataGoNetwork(parseKataGoModel(bytes, 'synthetic'));
    const dir = mkdtempSync(join(tmpdir(), 'katago-net-'));
    try {
      const N = 2, H = 4, W = 5;
      const spatial = new Float32Array(N * H * W * 22);
      const global = new Float32Array(N * 19);
      for (let b = 0; b < N; b++) {
        // Board 0 fills the tensor; board 1 is 3x4 inside it (padded).
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const on = b === 0 || (y < 3 && x < 4);
            if (!on) continue;
            const base = ((b * H + y) * W + x) * 22;
            spatial[base] = 1;
            for (let c = 1; c < 22; c++) spatial[base + c] = rng.normal() > 0.3 ? 1 : 0;
          }
        }
        for (let c = 0; c < 19; c++) global[b * 19 + c] = rng.normal() * 0.5;
      }
      writeFileSync(join(dir, 'model.bin'), bytes);
      writeFileSync(join(dir, 'input.json'), JSON.stringify({ n: N, h: H, w: W, spatial: Array.from(spatial), global: Array.from(global) }));
      writeFileSync(join(dir, 'peer.py'), PEER);
      const r = spawnSync(PYTHON, [join(dir, 'peer.py'), join(dir, 'model.bin'), join(dir, 'input.json')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const want = JSON.parse(r.stdout) as Record<string, number[][] | number[]>;
      const got = net.forward(spatial, global, N, H, W, true);
      const close = (name: string, a: ArrayLike<number>, b: number[]): void => {
        assert.equal(a.length, b.length, `${name} length`);
        for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4 * (1 + Math.abs(b[i])), `${name}[${i}]: ${a[i]} vs ${b[i]}`);
      };
      close('policy', got.policy, (want.policy as number[][]).flat());
      close('pass', got.pass, want.pass as number[]);
      close('value', got.value, (want.value as number[][]).flat());
      close('score', got.score, (want.score as number[][]).flat());
      // Ownership is only defined on the board.
      const own = (want.ownership as number[][]).flat();
      for (let b = 0; b < N; b++) {
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            if (b === 1 && (y >= 3 || x >= 4)) continue;
            const i = (b * H + y) * W + x;
            assert.ok(Math.abs(got.ownership[i] - own[i]) < 1e-4 * (1 + Math.abs(own[i])), `ownership[${i}]`);
          }
        }
      }
      // Unpadded: board 0 alone gives the same outputs.
      const alone = net.forward(spatial.subarray(0, H * W * 22), global.subarray(0, 19), 1, H, W, false);
      close('unpadded policy', alone.policy, (want.policy as number[][])[0]);
      close('unpadded value', alone.value, (want.value as number[][])[0]);
    } finally {
      net.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
