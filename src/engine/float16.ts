// Conversions between float32 values and the raw bits of IEEE half precision (F16) and
// bfloat16 (BF16), rounding to nearest, ties to even. NaN stays NaN (made quiet), and
// values too large for the format become infinities of the same sign.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The F16 bits nearest to `x` (round to nearest even). */
export function float32ToF16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal in F16 (or zero): below half the smallest subnormal everything rounds to zero.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++; // a carry may reach infinity: correct
  return sign | half;
}

/** The float value of F16 bits. */
export function f16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) {
    if (mant === 0) return sign * Infinity;
    u32[0] = ((h & 0x8000) << 16) | 0x7f800000 | (mant << 13);
    return f32[0];
  }
  u32[0] = ((h & 0x8000) << 16) | ((exp + 112) << 23) | (mant << 13);
  return f32[0];
}

/** The BF16 bits nearest to `x` (round to nearest even). */
export function float32ToBf16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0];
  if ((u & 0x7f800000) === 0x7f800000 && (u & 0x7fffff) !== 0) return (u >>> 16) | 0x40;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The float value of BF16 bits. */
export function bf16BitsToFloat32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** Converts a whole array of float32 values to F16 or BF16 bits. */
export function encodeHalf(values: ArrayLike<number>, format: 'F16' | 'BF16'): Uint16Array {
  const out = new Uint16Array(values.length);
  const conv = format === 'F16' ? float32ToF16Bits : float32ToBf16Bits;
  for (let i = 0; i < values.length; i++) out[i] = conv(values[i]);
  return out;
}

/** Converts a whole array of F16 or BF16 bits to float32 values. */
export function decodeHalf(bits: Uint16Array, format: 'F16' | 'BF16'): Float32Array {
  const out = new Float32Array(bits.length);
  if (format === 'BF16') {
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  } else {
    for (let i = 0; i < bits.length; i++) out[i] = f16BitsToFloat32(bits[i]);
  }
  return out;
}
