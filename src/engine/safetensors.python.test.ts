// Interop with an independent implementation of the format: a Python writer/reader built from
// struct + json + numpy (Debian's torch does not ship the `safetensors` package), with numpy's
// float16 and torch's bfloat16 conversions as the rounding references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, fromFloat32, toFloat32 } from './safetensors.js';
import type { StoredTensor } from './safetensors.js';
import { bf16BitsToFloat32, f16BitsToFloat32 } from './float16.js';
import { Rng } from './rng.js';

const PYTHON = '/usr/bin/python3';

const SCRIPT = String.raw`
import json, struct, sys
import numpy as np
try:
    import torch
except Exception:
    torch = None

DT = {'F32': np.float32, 'F16': np.uint16, 'BF16': np.uint16, 'I32': np.int32, 'I64': np.int64, 'U8': np.uint8}

def bf16_bits(x):
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)

def listed(dtype, a):
    a = a.reshape(-1)
    if dtype == 'I64':
        return [str(int(v)) for v in a]
    if dtype == 'F32':
        return [float(v) if np.isfinite(v) else str(v) for v in a]
    return [int(v) for v in a]

def write(path):
    vals = np.array([0, 1, -2.5, 65504, 65520, 1e-7, 6e-8, 3.14159, -1e-30, 1e5, 0.1, 2.0**-24 * 1.5, 3e38, -0.0], dtype=np.float32)
    t = {
        'weights.f32': (np.arange(24, dtype=np.float32) * np.float32(0.37) - np.float32(5)).reshape(2, 3, 4),
        'half': vals.astype(np.float16).view(np.uint16),
        'ids': np.array([[0, -1], [2147483647, -2147483648]], dtype=np.int32),
        'long': np.array([2**62 + 1, -2**63, 7], dtype=np.int64),
        'bytes': np.arange(256, dtype=np.uint8).reshape(16, 16),
        'scalar': np.array(3.5, dtype=np.float32),
        'empty': np.zeros((0, 3), dtype=np.float32),
    }
    dtypes = {'weights.f32': 'F32', 'half': 'F16', 'ids': 'I32', 'long': 'I64', 'bytes': 'U8', 'scalar': 'F32', 'empty': 'F32'}
    if torch is not None:
        t['brain'] = bf16_bits(vals)
        dtypes['brain'] = 'BF16'
    names = sorted(t, key=lambda n: (-t[n].dtype.itemsize, n))
    header = {'__metadata__': {'written_by': 'python', 'note': 'π ≈ 3.14'}}
    blobs, offset = [], 0
    for n in names:
        b = t[n].astype(t[n].dtype.newbyteorder('<')).tobytes()
        header[n] = {'dtype': dtypes[n], 'shape': list(t[n].shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
    print(json.dumps({n: {'dtype': dtypes[n], 'shape': list(t[n].shape), 'values': listed(dtypes[n], t[n])} for n in names}))

def read(path):
    raw = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    meta = header.pop('__metadata__', {})
    buf = raw[8 + n:]
    out = {'__metadata__': meta, 'covered': sum(v['data_offsets'][1] - v['data_offsets'][0] for v in header.values()) == len(buf)}
    arrays = {}
    for name, v in header.items():
        b, e = v['data_offsets']
        a = np.frombuffer(buf[b:e], dtype=np.dtype(DT[v['dtype']]).newbyteorder('<')).reshape(v['shape'])
        arrays[name] = a
        out[name] = {'dtype': v['dtype'], 'shape': list(a.shape), 'values': listed(v['dtype'], a)}
    src = arrays['src']
    out['f16_mismatches'] = int(np.sum(src.astype(np.float16).view(np.uint16) != arrays['src.f16']))
    out['bf16_mismatches'] = int(np.sum(bf16_bits(src) != arrays['src.bf16'])) if torch is not None else None
    print(json.dumps(out))

{'write': write, 'read': read}[sys.argv[1]](sys.argv[2])
`;

function python(mode: 'write' | 'read', path: string): Record<string, any> {
  const r = spawnSync(PYTHON, ['-c', SCRIPT, mode, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function numpyMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0 ? null : `numpy is not importable by ${PYTHON}`;
}

function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

function listed(t: StoredTensor): (number | string)[] {
  if (t.dtype === 'I64') return Array.from(t.data as BigInt64Array, (v) => v.toString());
  return Array.from(t.data as ArrayLike<number>);
}

const skip = numpyMissing();

test('a file written by Python decodes to the same values, and re-encodes to identical bytes', { skip: skip ? `skipped: ${skip}` : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-st-py-'));
  try {
    const path = join(dir, 'py.safetensors');
    const expected = python('write', path);
    const bytes = new Uint8Array(readFileSync(path));
    const got = decodeSafetensors(bytes);
    assert.deepEqual(got.metadata, { written_by: 'python', note: 'π ≈ 3.14' });
    assert.deepEqual(Object.keys(got.tensors).sort(), Object.keys(expected).sort());
    for (const [name, e] of Object.entries(expected)) {
      const t = got.tensors[name];
      assert.equal(t.dtype, e.dtype, name);
      assert.deepEqual(t.shape, e.shape, name);
      assert.deepEqual(listed(t), e.values, name);
    }
    // numpy's float16 decoding agrees with ours.
    assert.deepEqual(Array.from(toFloat32(got.tensors.half)).slice(0, 4), [0, 1, -2.5, 65504]);
    assert.equal(toFloat32(got.tensors.half)[4], Infinity);
    if (got.tensors.brain) assert.equal(toFloat32(got.tensors.brain)[1], 1);
    // Same layout conventions (larger dtypes first, then by name; compact JSON; space padding): byte-identical.
    const again = encodeSafetensors(got.tensors, got.metadata);
    assert.equal(Buffer.compare(Buffer.from(again), Buffer.from(bytes)), 0, 'TS re-encoding differs from the Python-written bytes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file written by TS decodes right in Python; F16/BF16 rounding matches numpy/torch', { skip: skip ? `skipped: ${skip}` : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-st-py-'));
  try {
    const rng = new Rng(7);
    const src: number[] = [];
    for (const scale of [1e-8, 1e-6, 1e-4, 1e-2, 1, 100, 3e4, 7e4, 1e20, 1e38]) for (let i = 0; i < 200; i++) src.push(rng.normal(0, scale));
    // Exact ties between neighbouring F16 and BF16 values exercise round-half-to-even.
    for (let i = 0; i < 300; i++) {
      const h = rng.int(0x7bff);
      src.push((f16BitsToFloat32(h) + f16BitsToFloat32(h + 1)) / 2, -(f16BitsToFloat32(h) + f16BitsToFloat32(h + 1)) / 2);
      const b = rng.int(0x7f7f);
      src.push((bf16BitsToFloat32(b) + bf16BitsToFloat32(b + 1)) / 2);
    }
    src.push(0, -0, Infinity, -Infinity, 65504, 65519, 65520, 2 ** -24, 2 ** -25, 2 ** -14, 3.4028234663852886e38);
    const tensors: Record<string, StoredTensor> = {
      src: fromFloat32(src, 'F32'),
      'src.f16': fromFloat32(src, 'F16'),
      'src.bf16': fromFloat32(src, 'BF16'),
      grid: fromFloat32([1, 2, 3, 4, 5, 6], 'F32', [3, 1, 2]),
      ids: { dtype: 'I32', shape: [3], data: new Int32Array([-5, 0, 2 ** 31 - 1]) },
      long: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 62n + 3n]) },
      mask: { dtype: 'U8', shape: [2, 2], data: new Uint8Array([0, 255, 1, 9]) },
      scalar: { dtype: 'I64', shape: [], data: new BigInt64Array([42n]) },
      nothing: { dtype: 'BF16', shape: [4, 0], data: new Uint16Array(0) },
    };
    const path = join(dir, 'ts.safetensors');
    writeFileSync(path, encodeSafetensors(tensors, { written_by: 'glassbox' }));
    const py = python('read', path);
    assert.deepEqual(py.__metadata__, { written_by: 'glassbox' });
    assert.equal(py.covered, true);
    for (const [name, t] of Object.entries(tensors)) {
      assert.equal(py[name].dtype, t.dtype, name);
      assert.deepEqual(py[name].shape, t.shape, name);
      const want = listed(t).map((v) => (typeof v === 'number' && !Number.isFinite(v) ? (v > 0 ? 'inf' : '-inf') : v));
      assert.deepEqual(py[name].values, want, name);
    }
    assert.equal(py.f16_mismatches, 0, 'F16 rounding differs from numpy');
    if (hasTorch()) assert.equal(py.bf16_mismatches, 0, 'BF16 rounding differs from torch');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
