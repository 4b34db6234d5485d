// KataGo's 8 board symmetries: bit 0 flips rows (y), bit 1 flips columns (x), bit 2 transposes
// (after the flips). Transposition applies only to square tensors; on a rectangular board KataGo
// ignores bit 2, so symmetries 4-7 act like 0-3 there.

export const NUM_SYMMETRIES = 8;

/**
 * For each position y * width + x of a width x height board, its position in the symmetric tensor
 * (which has the same shape, since transposition is skipped on rectangular boards).
 */
export function symmetryPermutation(symmetry: number, width: number, height: number): Int32Array {
  if (!Number.isInteger(symmetry) || symmetry < 0 || symmetry >= NUM_SYMMETRIES) {
    throw new Error(`symmetry must be an integer from 0 to 7, got ${symmetry}`);
  }
  const transpose = (symmetry & 4) !== 0 && width === height;
  const flipX = (symmetry & 2) !== 0;
  const flipY = (symmetry & 1) !== 0;
  const out = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sx = flipX ? width - 1 - x : x;
      let sy = flipY ? height - 1 - y : y;
      if (transpose) [sx, sy] = [sy, sx];
      out[y * width + x] = sy * width + sx;
    }
  }
  return out;
}

/** Copies `channels`-interleaved values (NHWC rows) of one board into their symmetric positions. */
export function applySymmetry(src: Float32Array, dst: Float32Array, perm: Int32Array, channels: number): void {
  for (let p = 0; p < perm.length; p++) {
    const s = p * channels;
    const d = perm[p] * channels;
    for (let c = 0; c < channels; c++) dst[d + c] = src[s + c];
  }
}
