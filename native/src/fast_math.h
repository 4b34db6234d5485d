// Branch-free float exp, tanh and erf written so loops over them vectorise (no libm call per element).
// Cephes-style: exp(x) = 2^k * exp(r), r = x - k ln2, |r| <= ln2/2, degree-6 polynomial;
// relative error about 2e-7. Overflow gives +inf, deep underflow 0, NaN stays NaN.
#pragma once
#include <cstdint>
#include <limits>

namespace gb {

__attribute__((always_inline)) inline float fast_exp(float x) {
  const float hi = 88.72283905f, lo = -103.972077f;  // log(FLT_MAX); below lo exp is < 2^-150
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  xc = xc == xc ? xc : 0.f;  // NaN: compute anything finite (replaced below), never cast NaN to int
  // Round x/ln2 to nearest with the 1.5*2^23 trick (valid for |v| < 2^22).
  const float magic = 12582912.f;
  const float k = (xc * 1.44269504088896341f + magic) - magic;
  const float r = (xc - k * 0.693359375f) + k * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.f;
  // 2^k as two factors, each a normal float for k in [-150, 128].
  const int32_t k1 = static_cast<int32_t>(k) >> 1, k2 = static_cast<int32_t>(k) - k1;
  const int32_t bits1 = (k1 + 127) << 23, bits2 = (k2 + 127) << 23;
  const float s1 = __builtin_bit_cast(float, bits1), s2 = __builtin_bit_cast(float, bits2);
  float res = (y * s1) * s2;
  res = x > hi ? std::numeric_limits<float>::infinity() : res;
  res = x < lo ? 0.f : res;
  return x != x ? x : res;
}

// tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|); NaN stays NaN.
__attribute__((always_inline)) inline float fast_tanh(float x) {
  const float e = fast_exp(-2.f * (x < 0.f ? -x : x));
  const float t = (1.f - e) / (1.f + e);
  return x < 0.f ? -t : (x != x ? x : t);
}

// erf by Abramowitz-Stegun 7.1.26 (absolute error about 1.5e-7), branch-free so loops over it vectorise.
__attribute__((always_inline)) inline float fast_erf(float x) {
  const float p = 0.3275911f, a1 = 0.254829592f, a2 = -0.284496736f, a3 = 1.421413741f, a4 = -1.453152027f, a5 = 1.061405429f;
  const float s = x < 0.f ? -1.f : 1.f;
  const float ax = x < 0.f ? -x : x;
  const float t = 1.f / (1.f + p * ax);
  return s * (1.f - (((((a5 * t + a4) * t) + a3) * t + a2) * t + a1) * t * fast_exp(-ax * ax));
}

}  // namespace gb
