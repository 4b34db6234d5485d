import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../engine/idx.js';
import { loadIdxDataset } from './idx-dataset.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'glassbox-idx-dataset-'));

function writeIdx(path: string, dims: number[], data: Uint8Array | Int32Array | Float32Array, dtype: 'uint8' | 'int32' | 'float32', gzip = false): void {
  const bytes = encodeIdx({ dims, dtype, data });
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
}

test('IDX images and labels become an ImageDataset with pixels scaled to [0, 1]', () => {
  const dir = tmp();
  const pixels = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 11) % 256);
  writeIdx(join(dir, 'img.gz'), [3, 2, 4], pixels, 'uint8', true);
  writeIdx(join(dir, 'lab'), [3], Uint8Array.of(2, 0, 9), 'uint8');
  const ds = loadIdxDataset(join(dir, 'img.gz'), join(dir, 'lab'), { name: 'tiny' });
  assert.deepEqual([ds.name, ds.count, ds.height, ds.width, ds.numClasses], ['tiny', 3, 2, 4, 10]);
  assert.deepEqual(Array.from(ds.labels), [2, 0, 9]);
  pixels.forEach((p, i) => assert.equal(ds.images[i], Math.fround(p / 255)));
});

test('mismatched or malformed IDX files are clear errors naming the files', () => {
  const dir = tmp();
  writeIdx(join(dir, 'img'), [3, 2, 2], new Uint8Array(12), 'uint8');
  writeIdx(join(dir, 'lab2'), [2], new Uint8Array(2), 'uint8');
  writeIdx(join(dir, 'flat'), [12], new Uint8Array(12), 'uint8');
  writeIdx(join(dir, 'floatimg'), [3, 2, 2], new Float32Array(12), 'float32');
  writeIdx(join(dir, 'lab3'), [3], Uint8Array.of(0, 1, 12), 'uint8');
  assert.throws(() => loadIdxDataset(join(dir, 'img'), join(dir, 'lab2')), /holds 3 images but .*lab2 holds 2 labels/);
  assert.throws(() => loadIdxDataset(join(dir, 'flat'), join(dir, 'lab3')), /flat: expected 3 dimensions \[count, height, width\], got \[12\]/);
  assert.throws(() => loadIdxDataset(join(dir, 'floatimg'), join(dir, 'lab3')), /floatimg: expected uint8 pixels, got float32/);
  assert.throws(() => loadIdxDataset(join(dir, 'img'), join(dir, 'lab3')), /label 12 of image 2 is outside \[0, 10\)/);
});

const FASHION = '/usr/share/datasets/fashion-mnist';

test('Fashion-MNIST test set (Debian dataset-fashion-mnist) loads and agrees with python', (t) => {
  const images = join(FASHION, 't10k-images-idx3-ubyte.gz');
  const labels = join(FASHION, 't10k-labels-idx1-ubyte.gz');
  if (!existsSync(images) || !existsSync(labels)) {
    t.skip(`${FASHION} not found (apt-get install dataset-fashion-mnist)`);
    return;
  }
  const ds = loadIdxDataset(images, labels, { name: 'fashion-mnist/test' });
  assert.deepEqual([ds.count, ds.height, ds.width], [10000, 28, 28]);
  if (!existsSync('/usr/bin/python3')) return;
  const script = `
import gzip, struct, sys, json
b = gzip.open(sys.argv[1]).read(); l = gzip.open(sys.argv[2]).read()
n, h, w = struct.unpack('>III', b[4:16])
i = 1234
print(json.dumps({'n': n, 'label': l[8 + i], 'pixels': list(b[16 + i*h*w: 16 + (i+1)*h*w])}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, images, labels], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ref = JSON.parse(r.stdout) as { n: number; label: number; pixels: number[] };
  assert.equal(ref.n, ds.count);
  assert.equal(ds.labels[1234], ref.label);
  ref.pixels.forEach((p, j) => assert.equal(ds.images[1234 * 784 + j], Math.fround(p / 255)));
});
