// Elementwise unary math (tfjs Neg, Abs, Exp, Log, Sqrt, Rsqrt, Square, Tanh, Sigmoid, Relu,
// Relu6, Step, Erf, Reciprocal, Elu, LeakyRelu, Log1p, Expm1, ClipByValue) on contiguous arrays, with the
// same formulas as tfjs-backend-cpu (Erf: its Abramowitz-Stegun 7.1.26 approximation).
#include <cmath>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "thread_pool.h"
#include "simd_clones.h"

namespace gb {
namespace {

enum UnaryOp {
  kNeg = 0, kAbs, kExp, kLog, kSqrt, kRsqrt, kSquare, kTanh, kSigmoid, kRelu, kRelu6, kStep, kErf,
  kReciprocal, kElu, kLeakyRelu, kLog1p, kExpm1, kClip, kUnaryOpCount
};

constexpr size_t kParallelElems = 1 << 14;

inline float erf_approx(float x) {
  const float p = 0.3275911f, a1 = 0.254829592f, a2 = -0.284496736f, a3 = 1.421413741f, a4 = -1.453152027f, a5 = 1.061405429f;
  const float s = x < 0.f ? -1.f : 1.f;
  const float ax = x < 0.f ? -x : x;
  const float t = 1.f / (1.f + p * ax);
  return s * (1.f - (((((a5 * t + a4) * t) + a3) * t + a2) * t + a1) * t * fast_exp(-ax * ax));
}

// Each op as a loop the compiler can vectorise, in SIMD clones (simd_clones.h).
GB_SIMD_CLONES
void apply(int op, const float* x, float* y, int64_t n, float alpha, float beta) {
  switch (op) {
    case kNeg: for (int64_t i = 0; i < n; ++i) y[i] = -x[i]; break;
    case kAbs: for (int64_t i = 0; i < n; ++i) y[i] = std::fabs(x[i]); break;
    case kExp: for (int64_t i = 0; i < n; ++i) y[i] = fast_exp(x[i]); break;
    case kLog: for (int64_t i = 0; i < n; ++i) y[i] = std::log(x[i]); break;
    case kSqrt: for (int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]); break;
    case kRsqrt: for (int64_t i = 0; i < n; ++i) y[i] = 1.f / std::sqrt(x[i]); break;
    case kSquare: for (int64_t i = 0; i < n; ++i) y[i] = x[i] * x[i]; break;
    case kTanh:
      // tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|)
      for (int64_t i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        const float e = fast_exp(-2.f * ax);
        const float t = (1.f - e) / (1.f + e);
        y[i] = x[i] < 0.f ? -t : (x[i] != x[i] ? x[i] : t);
      }
      break;
    case kSigmoid: for (int64_t i = 0; i < n; ++i) y[i] = 1.f / (1.f + fast_exp(-x[i])); break;
    case kRelu: for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : x[i]; break;
    case kRelu6: for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : (x[i] > 6.f ? 6.f : x[i]); break;
    case kStep: for (int64_t i = 0; i < n; ++i) y[i] = x[i] != x[i] ? x[i] : (x[i] > 0.f ? 1.f : alpha); break;
    case kErf: for (int64_t i = 0; i < n; ++i) y[i] = erf_approx(x[i]); break;
    case kReciprocal: for (int64_t i = 0; i < n; ++i) y[i] = 1.f / x[i]; break;
    case kElu: for (int64_t i = 0; i < n; ++i) y[i] = x[i] >= 0.f ? x[i] : fast_exp(x[i]) - 1.f; break;
    case kLeakyRelu: for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? alpha * x[i] : x[i]; break;
    case kLog1p: for (int64_t i = 0; i < n; ++i) y[i] = std::log1p(x[i]); break;
    case kExpm1: for (int64_t i = 0; i < n; ++i) y[i] = std::expm1(x[i]); break;
    case kClip: for (int64_t i = 0; i < n; ++i) y[i] = x[i] != x[i] ? x[i] : (x[i] < alpha ? alpha : (x[i] > beta ? beta : x[i])); break;
  }
}

}  // namespace

// unary(op, x, out, alpha, beta): out[i] = op(x[i]); alpha is Step's value for x <= 0, LeakyRelu's
// slope and ClipByValue's lower bound; beta is ClipByValue's upper bound.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(int_arg(info, 0, "op", 0, kUnaryOpCount - 1));
  F32 x = f32_arg(info, 1, "x"), out = f32_arg(info, 2, "out");
  const float alpha = static_cast<float>(num_arg(info, 3, "alpha")), beta = static_cast<float>(num_arg(info, 4, "beta"));
  require(x.size == out.size, info, "unary: x and out sizes differ");
  parallel_for(x.size, kParallelElems, [&](size_t lo, size_t hi) {
    apply(op, x.data + lo, out.data + lo, static_cast<int64_t>(hi - lo), alpha, beta);
  });
  return info.Env().Undefined();
}

}  // namespace gb
