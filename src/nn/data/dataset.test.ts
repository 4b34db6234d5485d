import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Rng } from '../../engine/rng.js';
import { loadMnistDigits, mnistDigitsDir } from './mnist-digits.js';
import { BatchSampler, classCounts, gatherBatch, splitTrainValidation, validateDataset, type ImageDataset } from './dataset.js';

const digits = loadMnistDigits();

test('the mnist digits load as 28x28 images in [0, 1] with labels 0..9', () => {
  assert.equal(digits.height, 28);
  assert.equal(digits.width, 28);
  assert.ok(digits.count > 9000 && digits.count < 12000, `count ${digits.count}`);
  assert.equal(digits.images.length, digits.count * 784);
  const counts = classCounts(digits);
  assert.equal(counts.length, 10);
  assert.ok(counts.every((c) => c > 500), `per-class counts ${counts}`);
  let min = Infinity;
  let max = -Infinity;
  for (const v of digits.images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
});

test('the loader agrees with python reading the same JSON file', (t) => {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) {
    t.skip(`${py} not found`);
    return;
  }
  const script = 'import json,sys; d=json.load(open(sys.argv[1]))["data"]; print(len(d)//784); print(json.dumps(d[784*5:784*6]))';
  const r = spawnSync(py, ['-c', script, join(mnistDigitsDir(), '3.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [nText, imgText] = r.stdout.trim().split('\n');
  const counts = classCounts(digits);
  assert.equal(counts[3], Number(nText));
  const first3 = counts[0] + counts[1] + counts[2];
  const ours = Array.from(digits.images.subarray((first3 + 5) * 784, (first3 + 6) * 784));
  const theirs = JSON.parse(imgText) as number[];
  theirs.forEach((v, i) => assert.ok(Math.abs(ours[i] - v) < 1e-6, `pixel ${i}: ${ours[i]} vs ${v}`));
  assert.equal(digits.labels[first3 + 5], 3);
});

test('a malformed digits file is a clear error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-digits-'));
  for (let d = 0; d < 10; d++) writeFileSync(join(dir, `${d}.json`), JSON.stringify({ data: new Array(784).fill(0) }));
  assert.equal(loadMnistDigits(dir).count, 10);
  writeFileSync(join(dir, '4.json'), JSON.stringify({ data: [1, 2, 3] }));
  assert.throws(() => loadMnistDigits(dir), /4\.json.*multiple of 784.*got 3 values/);
  writeFileSync(join(dir, '4.json'), '{not json');
  assert.throws(() => loadMnistDigits(dir), /cannot read mnist digits file .*4\.json/);
});

test('the train/validation split is seeded, disjoint and complete', () => {
  const a = splitTrainValidation(digits, 0.1, new Rng(5));
  const b = splitTrainValidation(digits, 0.1, new Rng(5));
  const c = splitTrainValidation(digits, 0.1, new Rng(6));
  assert.equal(a.train.count + a.validation.count, digits.count);
  assert.equal(a.validation.count, Math.round(digits.count * 0.1));
  assert.deepEqual(a.validation.labels, b.validation.labels);
  assert.deepEqual(a.validation.images.subarray(0, 784 * 3), b.validation.images.subarray(0, 784 * 3));
  assert.notDeepEqual(a.validation.labels, c.validation.labels);
  // every class appears in validation in roughly its share
  const vc = classCounts(a.validation);
  const all = classCounts(digits);
  vc.forEach((n, k) => assert.ok(Math.abs(n / a.validation.count - all[k] / digits.count) < 0.04, `class ${k}`));
  // the pixel sums add up: no image lost or duplicated
  const sum = (ds: ImageDataset) => ds.images.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum(a.train) + sum(a.validation) - sum(digits)) <= 1e-9 * sum(digits));
});

test('BatchSampler visits every index once per epoch, reshuffles, and depends only on seed and step', () => {
  const rng = new Rng(1);
  const before = rng.getState();
  const s = new BatchSampler(10, 3, rng, { dropLast: false });
  assert.deepEqual(rng.getState(), before, 'the rng is not advanced');
  assert.equal(s.batchesPerEpoch, 4);
  const epoch0 = [0, 1, 2, 3].map((i) => s.batch(i));
  assert.deepEqual(epoch0.map((b) => b.length), [3, 3, 3, 1]);
  assert.deepEqual([...epoch0.flatMap((b) => [...b])].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(s.epochOf(4), 1);
  assert.notDeepEqual(s.epochOrder(1), s.epochOrder(0));

  const dropped = new BatchSampler(10, 3, new Rng(1));
  assert.equal(dropped.batchesPerEpoch, 3);
  const ordered = new BatchSampler(5, 2, new Rng(1), { shuffle: false });
  assert.deepEqual(Array.from(ordered.batch(3)), [2, 3]);

  // a sampler built later from the same seed, queried out of order (as after a resume), agrees
  const ref = new BatchSampler(100, 8, new Rng(9));
  const refBatches = Array.from({ length: 40 }, (_, i) => ref.batch(i));
  const resumed = new BatchSampler(100, 8, new Rng(9));
  for (let i = 39; i >= 17; i--) assert.deepEqual(resumed.batch(i), refBatches[i], `batch ${i}`);
  assert.notDeepEqual(new BatchSampler(100, 8, new Rng(10)).batch(0), refBatches[0]);
  assert.throws(() => new BatchSampler(5, 8, new Rng(1)), /batchSize 8 exceeds/);
  assert.throws(() => ref.batch(-1), /step must be a non-negative integer/);
});

test('gatherBatch copies the chosen images and validateDataset rejects bad shapes', () => {
  const b = gatherBatch(digits, [0, digits.count - 1]);
  assert.deepEqual(Array.from(b.labels), [0, 9]);
  assert.deepEqual(b.images.subarray(784), digits.images.subarray((digits.count - 1) * 784));
  assert.throws(() => gatherBatch(digits, [digits.count]), /index \d+ is outside/);
  assert.throws(
    () => validateDataset({ name: 'x', images: new Float32Array(5), labels: new Int32Array(1), count: 1, height: 2, width: 2, numClasses: 2 }),
    /dataset x: expected 1x2x2 = 4 pixel values, got 5/,
  );
  assert.throws(
    () => validateDataset({ name: 'x', images: new Float32Array(4), labels: Int32Array.of(3), count: 1, height: 2, width: 2, numClasses: 2 }),
    /label 3 of image 0 is outside \[0, 2\)/,
  );
});
