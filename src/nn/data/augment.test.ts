import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/rng.js';
import { randomShift } from './augment.js';

/** Reference: shift by (dy, dx) pixel by pixel. */
function shiftOne(img: Float32Array, h: number, w: number, dy: number, dx: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sy = y - dy;
    const sx = x - dx;
    if (sy >= 0 && sy < h && sx >= 0 && sx < w) out[y * w + x] = img[sy * w + sx];
  }
  return out;
}

test('randomShift moves each image by a whole-pixel offset within range, filling with zeros', () => {
  const h = 5;
  const w = 6;
  const count = 40;
  const images = Float32Array.from({ length: count * h * w }, (_, i) => 1 + (i % 97));
  const out = randomShift(images, count, h, w, 2, new Rng(3));
  const seen = new Set<string>();
  for (let n = 0; n < count; n++) {
    const img = images.subarray(n * h * w, (n + 1) * h * w);
    const got = out.subarray(n * h * w, (n + 1) * h * w);
    let match: string | null = null;
    for (let dy = -2; dy <= 2 && !match; dy++) for (let dx = -2; dx <= 2 && !match; dx++) {
      if (shiftOne(img, h, w, dy, dx).every((v, i) => v === got[i])) match = `${dy},${dx}`;
    }
    assert.ok(match, `image ${n} is not a shift of its input by at most 2 pixels`);
    seen.add(match);
  }
  assert.ok(seen.size > 10, `offsets vary (${seen.size} distinct)`);
  assert.deepEqual(randomShift(images, count, h, w, 2, new Rng(3)), out, 'seeded');
  assert.deepEqual(randomShift(images, count, h, w, 0, new Rng(3)), images);
  assert.throws(() => randomShift(images, count + 1, h, w, 1, new Rng(1)), /expected 41x5x6/);
});
