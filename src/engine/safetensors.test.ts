import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from './backend.js';
import { tf } from './tfjs.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  fromFloat32,
  readSafetensorsFile,
  toFloat32,
  writeSafetensorsFile,
} from './safetensors.js';
import { fromTfTensor, toTfTensor } from './safetensors-tf.js';
import type { StoredTensor } from './safetensors.js';
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './float16.js';

/** A hand-built file: header object (serialised as given) + raw data bytes. */
function rawFile(header: unknown, data: Uint8Array | number = 0, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function sample(): Record<string, StoredTensor> {
  return {
    w: { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2.5, 3.25, 0, -0, 1e-30]) },
    half: fromFloat32([1, -2, 0.5, 65504, 1e-7, 3.14159], 'F16', [3, 2]),
    bhalf: fromFloat32([1, -2, 0.5, 3e38, 1e-30, 3.14159], 'BF16', [6]),
    ids: { dtype: 'I32', shape: [4], data: new Int32Array([0, -1, 2147483647, -2147483648]) },
    big: { dtype: 'I64', shape: [2, 1], data: new BigInt64Array([9007199254740993n, -(2n ** 63n)]) },
    bytes: { dtype: 'U8', shape: [5], data: new Uint8Array([0, 1, 127, 128, 255]) },
    scalar: { dtype: 'F32', shape: [], data: new Float32Array([42]) },
    empty: { dtype: 'I64', shape: [0], data: new BigInt64Array(0) },
    empty2: { dtype: 'F16', shape: [2, 0, 3], data: new Uint16Array(0) },
    u8scalar: { dtype: 'U8', shape: [], data: new Uint8Array([7]) },
  };
}

test('round trip of every dtype, scalars, empty tensors and metadata', () => {
  const tensors = sample();
  const bytes = encodeSafetensors(tensors, { framework: 'glassbox', note: 'ünïcode ✓' });
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { framework: 'glassbox', note: 'ünïcode ✓' });
  assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    const b = back.tensors[name];
    assert.equal(b.dtype, t.dtype, name);
    assert.deepEqual(b.shape, t.shape, name);
    assert.equal(b.data.constructor, t.data.constructor, name);
    assert.deepEqual(Array.from(b.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>), name);
  }
  // A Node Buffer at an odd offset inside a larger allocation decodes the same.
  const pool = Buffer.alloc(bytes.length + 3);
  pool.set(bytes, 3);
  const fromBuffer = decodeSafetensors(pool.subarray(3));
  for (const name of Object.keys(tensors)) {
    assert.deepEqual(Array.from(fromBuffer.tensors[name].data as ArrayLike<unknown>), Array.from(tensors[name].data as ArrayLike<unknown>), name);
  }
  // Decoding copies: the result is independent of the input buffer.
  bytes.fill(0);
  pool.fill(0);
  assert.equal((back.tensors.w.data as Float32Array)[2], 3.25);
  assert.equal((fromBuffer.tensors.w.data as Float32Array)[2], 3.25);
});

test('layout: 8-byte-aligned space-padded header, contiguous little-endian data, larger dtypes first', () => {
  const bytes = encodeSafetensors({
    b: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
    a: { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) },
    c: { dtype: 'I64', shape: [1], data: new BigInt64Array([-3n]) },
  });
  const view = new DataView(bytes.buffer);
  const n = Number(view.getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  assert.match(text, /^\{.*\} *$/);
  const header = JSON.parse(text);
  assert.deepEqual(header.c.data_offsets, [0, 8]);
  assert.deepEqual(header.a.data_offsets, [8, 16]);
  assert.deepEqual(header.b.data_offsets, [16, 19]);
  assert.equal(bytes.length, 8 + n + 19);
  assert.equal(view.getBigInt64(8 + n, true), -3n);
  assert.equal(view.getFloat32(8 + n + 8, true), 1.5);
  assert.equal(view.getFloat32(8 + n + 12, true), -2);
  assert.deepEqual(Array.from(bytes.subarray(8 + n + 16)), [1, 2, 3]);
  assert.equal('__metadata__' in header, false);
});

test('F16 and BF16 conversions round to nearest even and handle special values', () => {
  const f16: [number, number][] = [
    [1, 0x3c00], [-2, 0xc000], [0, 0x0000], [-0, 0x8000], [65504, 0x7bff], [65519.99, 0x7bff], [65520, 0x7c00],
    [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -24, 0x0002],
    [3 * 2 ** -25, 0x0002], [2 ** -14, 0x0400], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [2 ** -26, 0],
    [0.1, 0x2e66], [1e10, 0x7c00],
  ];
  for (const [x, bits] of f16) assert.equal(float32ToF16Bits(x), bits, `F16(${x})`);
  assert.ok(Number.isNaN(f16BitsToFloat32(float32ToF16Bits(NaN))));
  assert.equal(f16BitsToFloat32(0x0001), 2 ** -24);
  assert.equal(f16BitsToFloat32(0x7bff), 65504);
  assert.equal(f16BitsToFloat32(0xfc00), -Infinity);
  assert.ok(Object.is(f16BitsToFloat32(0x8000), -0));
  // Every finite F16 value survives F16 -> float -> F16.
  for (let h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff)) continue;
    assert.equal(float32ToF16Bits(f16BitsToFloat32(h)), h);
  }
  const bf16: [number, number][] = [
    [1, 0x3f80], [-2, 0xc000], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82], [1 + 2 ** -8 + 2 ** -20, 0x3f81],
    [3.4028234663852886e38, 0x7f80], [-Infinity, 0xff80], [-0, 0x8000],
  ];
  for (const [x, bits] of bf16) assert.equal(float32ToBf16Bits(x), bits, `BF16(${x})`);
  assert.ok(Number.isNaN(bf16BitsToFloat32(float32ToBf16Bits(NaN))));
  const t = fromFloat32([1, 2.5, -3], 'BF16');
  assert.deepEqual(Array.from(toFloat32(t)), [1, 2.5, -3]);
  assert.deepEqual(Array.from(toFloat32({ dtype: 'I64', shape: [2], data: new BigInt64Array([5n, -6n]) })), [5, -6]);
});

test('encoding rejects tensors whose data do not match dtype and shape', () => {
  assert.throws(() => encodeSafetensors({ x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }), /tensor "x": shape \[3\] has 3 elements but data has 2/);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'F16', shape: [2], data: new Float32Array(2) } }), /tensor "x": dtype F16 needs its data in a Uint16Array, got Float32Array/);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'F64' as never, shape: [1], data: new Float32Array(1) } }), /tensor "x": unknown dtype "F64"/);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } }), /tensor "x": shape must be an array of non-negative integers/);
  assert.throws(() => encodeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } }), /reserved/);
  assert.throws(() => encodeSafetensors({}, { k: 3 as never }), /metadata "k" must be a string/);
});

const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

const hostile: [string, Uint8Array, RegExp][] = [
  ['empty file', new Uint8Array(0), /file is 0 bytes, shorter than the 8-byte header length/],
  ['7-byte file', new Uint8Array(7), /file is 7 bytes/],
  ['header length past the end', (() => { const b = rawFile(ok, 8); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; })(), /header length 1000 runs past the end of the \d+-byte file/],
  ['absurd header length', (() => { const b = rawFile(ok, 8); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })(), /header length 9223372036854775808 is larger than the 100000000-byte limit/],
  ['header not JSON', rawFile(null, 0, '{"a": '), /header is not valid JSON/],
  ['header not UTF-8', (() => { const b = rawFile(null, 0, '{"a":1}'); b[10] = 0xff; return b; })(), /header is not valid UTF-8/],
  ['header an array', rawFile([1, 2]), /header must be a JSON object, got \[1,2\]/],
  ['header null', rawFile(null), /header must be a JSON object, got null/],
  ['tensor entry a number', rawFile({ a: 5 }), /tensor "a" must be an object \{dtype, shape, data_offsets\}, got 5/],
  ['unknown dtype', rawFile({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, 8), /tensor "a" has unknown dtype "F64"/],
  ['missing dtype', rawFile({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a" is missing field "dtype"/],
  ['unknown field', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], extra: 1 } }, 4), /tensor "a" has unknown field "extra"/],
  ['shape not an array', rawFile({ a: { dtype: 'F32', shape: 4, data_offsets: [0, 16] } }, 16), /tensor "a": shape must be an array of non-negative integers, got 4/],
  ['negative dim', rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), /tensor "a": shape must be an array of non-negative integers, got \[-1\]/],
  ['fractional dim', rawFile({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 6] } }, 6), /shape must be an array of non-negative integers, got \[1.5\]/],
  ['huge dim', rawFile({ a: { dtype: 'F32', shape: [1e300], data_offsets: [0, 4] } }, 4), /shape must be an array of non-negative integers/],
  ['shape product overflow', rawFile({ a: { dtype: 'U8', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, 4), /tensor "a": shape \[.*\] has too many elements/],
  ['string dim', rawFile({ a: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }, 8), /shape must be an array of non-negative integers, got \["2"\]/],
  ['offsets of length 3', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8, 9] } }, 8), /tensor "a": data_offsets must be two non-negative integers \[begin, end\], got \[0,8,9\]/],
  ['negative offset', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, 8), /data_offsets must be two non-negative integers/],
  ['begin after end', rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, 8), /tensor "a": data_offsets begin 8 is after end 0/],
  ['byte size mismatch', rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /tensor "a": dtype F32 with shape \[3\] needs 12 bytes but data_offsets \[0, 8\] span 8/],
  ['offsets beyond the buffer', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 8), /tensor "a" data_offsets \[4, 12\] run past the 8-byte data buffer/],
  ['overlapping tensors', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /tensors "a" and "b" overlap/],
  ['gap between tensors', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12), /bytes 4..8 of the data buffer belong to no tensor \(gap before "b"\)/],
  ['gap at the start', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /bytes 0..4 of the data buffer belong to no tensor/],
  ['trailing bytes', rawFile(ok, 9), /1 trailing bytes after the last tensor belong to no tensor/],
  ['metadata not an object', rawFile({ __metadata__: 'x' }), /"__metadata__" must be an object of strings/],
  ['metadata value not a string', rawFile({ __metadata__: { step: 3 } }), /metadata "step" must be a string, got 3/],
];

for (const [label, bytes, message] of hostile) {
  test(`hostile file rejected with a clear error: ${label}`, () => {
    assert.throws(() => decodeSafetensors(bytes), (err: unknown) => {
      assert.equal((err as Error).constructor, Error, `expected a plain Error, got ${(err as Error).constructor.name}: ${(err as Error).message}`);
      assert.match((err as Error).message, message);
      return true;
    });
  });
}

test('a header with only metadata, or nothing, is a valid empty file', () => {
  assert.deepEqual(decodeSafetensors(rawFile({})), { tensors: {}, metadata: {} });
  assert.deepEqual(decodeSafetensors(rawFile({ __metadata__: { a: 'b' } })).metadata, { a: 'b' });
  assert.deepEqual(decodeSafetensors(encodeSafetensors({})), { tensors: {}, metadata: {} });
});

test('files: atomic write leaves no temp files; read errors name the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-st-'));
  try {
    const path = join(dir, 'model.safetensors');
    writeSafetensorsFile(path, sample(), { a: '1' });
    writeSafetensorsFile(path, { x: fromFloat32([1, 2], 'F32') });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    const back = readSafetensorsFile(path);
    assert.deepEqual(Object.keys(back.tensors), ['x']);
    assert.deepEqual(back.metadata, {});
    writeFileSync(path, readFileSync(path).subarray(0, 20));
    assert.throws(() => readSafetensorsFile(path), (err: Error) => err.message.startsWith(`${path}: safetensors:`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tf conversions keep values, shapes and dtypes', async () => {
  await initBackend();
  const f = tf.tensor([[1.5, -2], [3, 4]]);
  const sf = fromTfTensor(f);
  assert.equal(sf.dtype, 'F32');
  assert.deepEqual(sf.shape, [2, 2]);
  const back = toTfTensor(sf);
  assert.deepEqual(back.arraySync(), [[1.5, -2], [3, 4]]);
  const h = toTfTensor(fromTfTensor(f, 'BF16'));
  assert.equal(h.dtype, 'float32');
  assert.deepEqual(h.arraySync(), [[1.5, -2], [3, 4]]);
  const i = tf.tensor([1, 200, 7], [3], 'int32');
  assert.deepEqual(Array.from(fromTfTensor(i, 'U8').data as Uint8Array), [1, 200, 7]);
  assert.deepEqual(toTfTensor(fromTfTensor(i, 'I64')).arraySync(), [1, 200, 7]);
  assert.throws(() => fromTfTensor(tf.tensor([300], [1], 'int32'), 'U8', 'ids'), /ids: value 300 at index 0 does not fit U8/);
  assert.throws(() => toTfTensor({ dtype: 'I64', shape: [1], data: new BigInt64Array([2n ** 40n]) }, 'big'), /big: I64 value 1099511627776 at index 0 does not fit tf's int32/);
  assert.throws(() => fromTfTensor(f, 'I32', 'w'), /w: cannot store a float32 tensor as I32/);
  const s = toTfTensor({ dtype: 'U8', shape: [], data: new Uint8Array([9]) });
  assert.equal(s.rank, 0);
  assert.equal(s.dtype, 'int32');
  assert.equal(s.arraySync(), 9);
});
