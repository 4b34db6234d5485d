import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeIdx, encodeIdx, readIdxFile } from './idx.js';
import type { IdxArray } from './idx.js';
import { Rng } from './rng.js';

test('encodeIdx writes the documented big-endian layout', () => {
  const bytes = encodeIdx({ dims: [2, 2], dtype: 'int16', data: new Int16Array([1, -2, 258, -32768]) });
  assert.deepEqual(
    Array.from(bytes),
    [0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0x00, 0x01, 0xff, 0xfe, 0x01, 0x02, 0x80, 0x00],
  );
  const f = encodeIdx({ dims: [1], dtype: 'float32', data: new Float32Array([1]) });
  assert.deepEqual(Array.from(f), [0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0]);
});

const samples: IdxArray[] = [
  { dims: [3, 2], dtype: 'uint8', data: new Uint8Array([0, 1, 127, 128, 254, 255]) },
  { dims: [4], dtype: 'int8', data: new Int8Array([-128, -1, 0, 127]) },
  { dims: [2, 1, 2], dtype: 'int16', data: new Int16Array([-32768, -1, 0, 32767]) },
  { dims: [3], dtype: 'int32', data: new Int32Array([-2147483648, 0, 2147483647]) },
  { dims: [2, 2], dtype: 'float32', data: new Float32Array([1.5, -0, 3.4e38, -1e-40]) },
  { dims: [2], dtype: 'float64', data: new Float64Array([Math.PI, -1e300]) },
  { dims: [], dtype: 'int32', data: new Int32Array([42]) },
  { dims: [0, 28, 28], dtype: 'uint8', data: new Uint8Array(0) },
];

test('round trip of every dtype, raw and gzipped, from bytes and from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-idx-'));
  try {
    samples.forEach((s, i) => {
      const raw = encodeIdx(s);
      for (const [label, bytes] of [['raw', raw], ['gz', gzipSync(raw)]] as const) {
        const path = join(dir, `s${i}.${label}`);
        writeFileSync(path, bytes);
        for (const back of [decodeIdx(bytes), readIdxFile(path)]) {
          assert.equal(back.dtype, s.dtype, `${i} ${label}`);
          assert.deepEqual(back.dims, s.dims, `${i} ${label}`);
          assert.equal(back.data.constructor, s.data.constructor, `${i} ${label}`);
          assert.deepEqual(Array.from(back.data), Array.from(s.data), `${i} ${label}`);
        }
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad IDX data give clear errors', () => {
  const good = encodeIdx({ dims: [2, 3], dtype: 'int32', data: new Int32Array(6) });
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array([0, 0, 8]), /3 bytes is shorter than the 4-byte IDX header/],
    ['wrong magic', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), /wrong magic: an IDX file starts with 00 00, got 50 4B \(not an IDX file\)/],
    ['unknown dtype', Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 1, 0]), /unknown IDX data type code 0x0A \(known: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64\)/],
    ['truncated header', good.slice(0, 9), /truncated header: 2 dimensions need 12 bytes, the data has 9/],
    ['truncated data', good.slice(0, good.length - 1), /truncated data: dimensions \[2, 3\] of int32 need 24 bytes, found 23/],
    ['trailing bytes', Uint8Array.from([...good, 0, 0]), /2 trailing bytes after the 24 data bytes of dimensions \[2, 3\]/],
    ['dims product overflow', Uint8Array.from([0, 0, 0x0e, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /dimensions \[4294967295, 4294967295, 4294967295\] hold too many elements \(product overflows\)/],
    ['huge dims, little data', Uint8Array.from([0, 0, 0x08, 2, 0, 1, 0, 0, 0, 1, 0, 0, 7]), /truncated data: dimensions \[65536, 65536\] of uint8 need 4294967296 bytes, found 1/],
    ['corrupt gzip', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6]), /not a valid gzip stream \(.*\); the file is corrupt or truncated/],
    ['truncated gzip', gzipSync(good).slice(0, 20), /not a valid gzip stream/],
  ];
  for (const [label, bytes, message] of cases) {
    assert.throws(() => decodeIdx(bytes, 'IDX file x.idx'), (err: Error) => {
      assert.equal(err.constructor, Error, label);
      assert.match(err.message, /^IDX file x\.idx: /, label);
      assert.match(err.message, message, label);
      return true;
    });
  }
  assert.throws(() => readIdxFile('/nonexistent/file.idx'), /ENOENT/);
  assert.throws(() => encodeIdx({ dims: [2], dtype: 'int16', data: new Int32Array(2) }), /encodeIdx: dtype int16 needs its data in a Int16Array, got Int32Array/);
  assert.throws(() => encodeIdx({ dims: [3], dtype: 'uint8', data: new Uint8Array(2) }), /encodeIdx: dimensions \[3\] hold 3 elements but data has 2/);
  assert.throws(() => encodeIdx({ dims: [-1], dtype: 'uint8', data: new Uint8Array(0) }), /each dimension must be an integer in 0..2\^32-1/);
});

const FASHION = '/usr/share/datasets/fashion-mnist';
const fashionMissing = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'))
  ? false
  : `skipped: Fashion-MNIST IDX files not found in ${FASHION} (Debian package dataset-fashion-mnist)`;

test('reads the real Fashion-MNIST files', { skip: fashionMissing }, () => {
  const images = readIdxFile(join(FASHION, 'train-images-idx3-ubyte.gz'));
  assert.equal(images.dtype, 'uint8');
  assert.deepEqual(images.dims, [60000, 28, 28]);
  assert.equal(images.data.length, 60000 * 784);
  let max = 0, sum = 0;
  for (const v of images.data) {
    if (v > max) max = v;
    sum += v;
  }
  assert.equal(max, 255);
  const mean = sum / images.data.length / 255;
  assert.ok(mean > 0.25 && mean < 0.32, `mean pixel ${mean} (Fashion-MNIST's is about 0.286)`);
  const labels = readIdxFile(join(FASHION, 'train-labels-idx1-ubyte.gz'));
  assert.deepEqual(labels.dims, [60000]);
  const counts = new Array(10).fill(0);
  for (const l of labels.data) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(6000), 'labels 0..9, 6000 of each');
  const test = readIdxFile(join(FASHION, 't10k-images-idx3-ubyte.gz'));
  assert.deepEqual(test.dims, [10000, 28, 28]);
  assert.deepEqual(readIdxFile(join(FASHION, 't10k-labels-idx1-ubyte.gz')).dims, [10000]);
});

test('randomly corrupted IDX data decode cleanly or throw a plain Error', () => {
  const rng = new Rng(99);
  const dtypes = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'] as const;
  const arrays = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array };
  let decoded = 0;
  for (let i = 0; i < 600; i++) {
    const dtype = dtypes[rng.int(dtypes.length)];
    const dims = Array.from({ length: rng.int(4) }, () => rng.int(5));
    const n = dims.reduce((a, b) => a * b, 1);
    let bytes = encodeIdx({ dims, dtype, data: new arrays[dtype](n) });
    if (rng.int(3) === 0) bytes = gzipSync(bytes);
    const mutated = Uint8Array.from(bytes);
    const kind = rng.int(3);
    if (kind === 0) bytes = mutated.slice(0, rng.int(mutated.length + 1));
    else if (kind === 1) {
      for (let k = 1 + rng.int(3); k > 0; k--) mutated[rng.int(Math.min(mutated.length, 20))] = rng.int(256);
      bytes = mutated;
    } else bytes = Uint8Array.from([...mutated, ...Array.from({ length: rng.int(5) }, () => rng.int(256))]);
    try {
      const back = decodeIdx(bytes);
      assert.equal(back.data.length, back.dims.reduce((a, b) => a * b, 1));
      decoded++;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.equal((err as Error).constructor, Error, `case ${i}: ${(err as Error).constructor.name}: ${(err as Error).message}`);
    }
  }
  assert.ok(decoded > 30 && decoded < 500, `${decoded} of 600 mutated inputs decoded`);
});
