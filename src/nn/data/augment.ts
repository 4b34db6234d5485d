// Cheap image augmentation for small datasets: random translations, filling with zeros.
import type { Rng } from '../../engine/rng.js';

/**
 * Shifts each of the `count` images (height x width, row-major, one after another) by a random
 * whole number of pixels in [-maxShift, maxShift] in each direction; pixels shifted in are 0.
 * Returns a new array; `images` is not changed.
 */
export function randomShift(images: Float32Array, count: number, height: number, width: number, maxShift: number, rng: Rng): Float32Array {
  const size = height * width;
  if (images.length !== count * size) throw new Error(`randomShift: expected ${count}x${height}x${width} = ${count * size} values, got ${images.length}`);
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`randomShift: maxShift must be a non-negative integer, got ${maxShift}`);
  const out = new Float32Array(images.length);
  for (let n = 0; n < count; n++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const base = n * size;
    for (let y = 0; y < height; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= height) continue;
      const x0 = Math.max(0, dx);
      const x1 = Math.min(width, width + dx);
      const dst = base + y * width;
      const src = base + sy * width - dx;
      out.set(images.subarray(src + x0, src + x1), dst + x0);
    }
  }
  return out;
}
