// Activations shared by the fused matmul epilogue and the unary kernels, matching tfjs:
// relu max(x,0); relu6 min(max(x,0),6); sigmoid 1/(1+e^-x); elu x>=0 ? x : e^x-1;
// leakyrelu x<0 ? alpha*x : x.
#pragma once
#include <cmath>
#include <cstdint>

namespace gb {

enum Activation : int { kLinear = 0, kRelu = 1, kRelu6 = 2, kSigmoid = 3, kElu = 4, kLeakyRelu = 5, kActivationCount = 6 };

// Applies `act` in place to n values.
inline void apply_activation(float* x, int64_t n, int act, float alpha) {
  switch (act) {
    case kRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0.f ? x[i] : 0.f;
      break;
    case kRelu6:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] < 0.f ? 0.f : (x[i] > 6.f ? 6.f : x[i]);
      break;
    case kSigmoid:
      for (int64_t i = 0; i < n; ++i) x[i] = 1.f / (1.f + std::exp(-x[i]));
      break;
    case kElu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= 0.f ? x[i] : std::expm1(x[i]);
      break;
    case kLeakyRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] < 0.f ? alpha * x[i] : x[i];
      break;
    default:
      break;
  }
}

// Adds bias[c] (when given) to every row of n values, then applies `act`, on `rows` rows.
inline void bias_activation(float* y, int64_t rows, int64_t n, const float* bias, int act, float alpha) {
  if (bias) {
    for (int64_t r = 0; r < rows; ++r) {
      float* row = y + r * n;
      for (int64_t c = 0; c < n; ++c) row[c] += bias[c];
    }
  }
  if (act != kLinear) apply_activation(y, rows * n, act, alpha);
}

}  // namespace gb
