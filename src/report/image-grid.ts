// Arranges small images (e.g. 28x28 digits: originals above reconstructions) into one
// grayscale picture, scaled up with nearest-neighbour so pixels stay crisp in the report.
import type { PngImage } from './png.js';

export interface ImageGridOptions {
  /** Rows of images; each image holds `width * height` values, row-major. Rows may differ in length. */
  rows: ArrayLike<number>[][];
  /** Width of each image in pixels. */
  width: number;
  /** Height of each image in pixels. */
  height: number;
  /** Integer magnification of each pixel (default 3). */
  scale?: number;
  /** Gap between cells in output pixels (default 2). */
  gap?: number;
  /** Values mapped to black and white; values outside are clamped (default [0, 1]). */
  range?: [number, number];
  /** Gray level 0..255 of the gaps and empty cells (default 255, white). */
  background?: number;
}

/** One grayscale image holding the grid; encode it with `encodePng`. */
export function imageGrid(options: ImageGridOptions): PngImage {
  const { rows, width, height } = options;
  const scale = options.scale ?? 3;
  const gap = options.gap ?? 2;
  const [lo, hi] = options.range ?? [0, 1];
  const background = options.background ?? 255;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`imageGrid: width and height must be positive integers, got ${width}x${height}`);
  }
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`imageGrid: scale must be a positive integer, got ${scale}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`imageGrid: gap must be a non-negative integer, got ${gap}`);
  if (!(hi > lo)) throw new Error(`imageGrid: range must have hi > lo, got [${lo}, ${hi}]`);
  if (rows.length === 0) throw new Error('imageGrid: no rows given');
  const cols = Math.max(...rows.map((r) => r.length));
  if (cols === 0) throw new Error('imageGrid: every row is empty');
  const cellW = width * scale;
  const cellH = height * scale;
  const outW = cols * cellW + (cols + 1) * gap;
  const outH = rows.length * cellH + (rows.length + 1) * gap;
  const out = new Uint8Array(outW * outH).fill(background);
  rows.forEach((row, r) => {
    row.forEach((img, c) => {
      if (img.length !== width * height) {
        throw new Error(`imageGrid: image at row ${r}, column ${c} has ${img.length} values, expected ${width}x${height}=${width * height}`);
      }
      const x0 = gap + c * (cellW + gap);
      const y0 = gap + r * (cellH + gap);
      for (let y = 0; y < cellH; y++) {
        const srcRow = Math.floor(y / scale) * width;
        const dst = (y0 + y) * outW + x0;
        for (let x = 0; x < cellW; x++) {
          const v = img[srcRow + Math.floor(x / scale)];
          const t = Number.isFinite(v) ? (v - lo) / (hi - lo) : 0;
          out[dst + x] = Math.round(255 * Math.min(1, Math.max(0, t)));
        }
      }
    });
  });
  return { width: outW, height: outH, channels: 1, data: out };
}

/** Views `count` consecutive images of `size` values each in a flat batch (no copy). */
export function splitImages(batch: Float32Array, count: number, size: number): Float32Array[] {
  if (count * size > batch.length) {
    throw new Error(`splitImages: ${count} images of ${size} values need ${count * size} values, batch has ${batch.length}`);
  }
  return Array.from({ length: count }, (_, i) => batch.subarray(i * size, (i + 1) * size));
}
