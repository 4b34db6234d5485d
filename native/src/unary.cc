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
    case kTanh: for (int64_t i = 0; i < n; ++i) y[i] = fast_tanh(x[i]); break;
    case kSigmoid: for (int64_t i = 0; i < n; ++i) y[i] = 1.f / (1.f + fast_exp(-x[i])); break;
    case kRelu: for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : x[i]; break;
    case kRelu6: for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : (x[i] > 6.f ? 6.f : x[i]); break;
    case kStep: for (int64_t i = 0; i < n; ++i) y[i] = x[i] != x[i] ? x[i] : (x[i] > 0.f ? 1.f : alpha); break;
    case kErf: for (int64_t i = 0; i < n; ++i) y[i] = fast_erf(x[i]); break;
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
