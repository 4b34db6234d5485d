// Fused layer normalisation and GELU, forward and backward, one pass each instead of the
// dozen tensor ops they compose to. Layouts: x, y, dy, dx are [rows, D] row-major; gamma,
// beta, dgamma, dbeta are [D].
//   LayerNorm: mu = mean(x), var = mean((x - mu)^2) (biased), r = 1/sqrt(var + eps),
//              xhat = (x - mu) r, y = xhat * gamma + beta.
//   Backward:  g = dy * gamma; dx = r (g - mean(g) - xhat mean(g xhat));
//              dgamma = sum_rows dy xhat; dbeta = sum_rows dy.
//   GELU:      exact 0.5 x (1 + erf(x / sqrt 2)) (erf as in tfjs: Abramowitz-Stegun 7.1.26),
//              or tanh form 0.5 x (1 + tanh(c (x + 0.044715 x^3))), c = sqrt(2 / pi).
#include <algorithm>
#include <cmath>
#include <vector>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "thread_pool.h"
#include "simd_clones.h"

namespace gb {
namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f, kGeluCubic = 0.044715f, kInvSqrt2 = 0.7071067811865476f,
                kInvSqrt2Pi = 0.3989422804014327f;

GB_SIMD_CLONES
void gelu_range(const float* x, float* y, int64_t n, bool tanh_form) {
  if (tanh_form) {
    for (int64_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.f + fast_tanh(kSqrt2OverPi * (x[i] + kGeluCubic * x[i] * x[i] * x[i])));
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.f + fast_erf(x[i] * kInvSqrt2));
  }
}

GB_SIMD_CLONES
void gelu_grad_range(const float* dy, const float* x, float* dx, int64_t n, bool tanh_form) {
  if (tanh_form) {
    for (int64_t i = 0; i < n; ++i) {
      const float v = x[i], t = fast_tanh(kSqrt2OverPi * (v + kGeluCubic * v * v * v));
      const float d = 0.5f * (1.f + t) + 0.5f * v * (1.f - t * t) * kSqrt2OverPi * (1.f + 3.f * kGeluCubic * v * v);
      dx[i] = dy[i] * d;
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const float v = x[i];
      const float d = 0.5f * (1.f + fast_erf(v * kInvSqrt2)) + v * kInvSqrt2Pi * fast_exp(-0.5f * v * v);
      dx[i] = dy[i] * d;
    }
  }
}

constexpr int64_t kLanes = 16;

// Sums of f(j) for j in [0, n), kept in kLanes partial sums so the loop vectorises (one running
// float sum is a serial dependency the compiler may not reorder).
template <class F>
__attribute__((always_inline)) inline float lane_sum(int64_t n, F f) {
  float acc[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) acc[l] += f(j + l);
  }
  float s = 0.f;
  for (; j < n; ++j) s += f(j);
  for (int64_t l = 0; l < kLanes; ++l) s += acc[l];
  return s;
}

// Mean and 1/sqrt(var + eps) of one row.
__attribute__((always_inline)) inline void row_stats(const float* x, int64_t D, float eps, float* mean, float* rstd) {
  const float mu = lane_sum(D, [x](int64_t j) { return x[j]; }) / static_cast<float>(D);
  const float v = lane_sum(D, [x, mu](int64_t j) { return (x[j] - mu) * (x[j] - mu); });
  *mean = mu;
  *rstd = 1.f / std::sqrt(v / static_cast<float>(D) + eps);
}

GB_SIMD_CLONES
void layer_norm_row(const float* x, const float* gamma, const float* beta, float* y, int64_t D, float eps) {
  float mu, rstd;
  row_stats(x, D, eps, &mu, &rstd);
  for (int64_t j = 0; j < D; ++j) {
    float v = (x[j] - mu) * rstd;
    if (gamma) v *= gamma[j];
    if (beta) v += beta[j];
    y[j] = v;
  }
}

// dx of one row; also returns the row's mean and rstd for the parameter gradients.
GB_SIMD_CLONES
void layer_norm_grad_row(const float* dy, const float* x, const float* gamma, float* dx, int64_t D, float eps, float* mean, float* rstd) {
  row_stats(x, D, eps, mean, rstd);
  const float mu = *mean, rs = *rstd;
  const auto g = [dy, gamma](int64_t j) { return gamma ? dy[j] * gamma[j] : dy[j]; };
  const float mg = lane_sum(D, g) / static_cast<float>(D);
  const float mgx = lane_sum(D, [&](int64_t j) { return g(j) * (x[j] - mu) * rs; }) / static_cast<float>(D);
  for (int64_t j = 0; j < D; ++j) dx[j] = rs * (g(j) - mg - (x[j] - mu) * rs * mgx);
}

size_t row_grain(int64_t D) { return static_cast<size_t>(std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(D, 1))); }

}  // namespace

// layerNorm(x, gamma|null, beta|null, out, rows, D, eps)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  F32 gamma{nullptr, 0}, beta{nullptr, 0};
  if (!is_null(info, 1)) gamma = f32_arg(info, 1, "gamma");
  if (!is_null(info, 2)) beta = f32_arg(info, 2, "beta");
  F32 out = f32_arg(info, 3, "out");
  const int64_t rows = int_arg(info, 4, "rows"), D = int_arg(info, 5, "D", 1);
  const float eps = static_cast<float>(num_arg(info, 6, "eps"));
  require(static_cast<int64_t>(x.size) == rows * D && out.size == x.size, info, "layerNorm: x/out size differs from rows*D");
  require((!gamma.data || static_cast<int64_t>(gamma.size) == D) && (!beta.data || static_cast<int64_t>(beta.size) == D), info, "layerNorm: gamma/beta must have D values");
  parallel_for(static_cast<size_t>(rows), row_grain(D), [&](size_t lo, size_t hi) {
    for (size_t r = lo; r < hi; ++r) {
      const int64_t off = static_cast<int64_t>(r) * D;
      layer_norm_row(x.data + off, gamma.data, beta.data, out.data + off, D, eps);
    }
  });
  return info.Env().Undefined();
}

// layerNormGrad(dy, x, gamma|null, dx, dgamma|null, dbeta|null, rows, D, eps)
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  F32 dy = f32_arg(info, 0, "dy"), x = f32_arg(info, 1, "x");
  F32 gamma{nullptr, 0}, dgamma{nullptr, 0}, dbeta{nullptr, 0};
  if (!is_null(info, 2)) gamma = f32_arg(info, 2, "gamma");
  F32 dx = f32_arg(info, 3, "dx");
  if (!is_null(info, 4)) dgamma = f32_arg(info, 4, "dgamma");
  if (!is_null(info, 5)) dbeta = f32_arg(info, 5, "dbeta");
  const int64_t rows = int_arg(info, 6, "rows"), D = int_arg(info, 7, "D", 1);
  const float eps = static_cast<float>(num_arg(info, 8, "eps"));
  require(static_cast<int64_t>(x.size) == rows * D && dy.size == x.size && dx.size == x.size, info, "layerNormGrad: sizes differ from rows*D");
  for (const F32* v : {&gamma, &dgamma, &dbeta}) require(!v->data || static_cast<int64_t>(v->size) == D, info, "layerNormGrad: gamma/dgamma/dbeta must have D values");
  // Pass 1, by rows: row statistics and dx.
  std::vector<float> mean(static_cast<size_t>(rows)), rstd(static_cast<size_t>(rows));
  parallel_for(static_cast<size_t>(rows), row_grain(D), [&](size_t lo, size_t hi) {
    for (size_t r = lo; r < hi; ++r) {
      const int64_t off = static_cast<int64_t>(r) * D;
      layer_norm_grad_row(dy.data + off, x.data + off, gamma.data, dx.data + off, D, eps, &mean[r], &rstd[r]);
    }
  });
  // Pass 2, by column blocks (each thread owns its columns): dgamma and dbeta.
  if (!dgamma.data && !dbeta.data) return info.Env().Undefined();
  const int64_t units = (D + 15) / 16;
  parallel_for(static_cast<size_t>(units), 1, [&](size_t u0, size_t u1) {
    const int64_t j0 = static_cast<int64_t>(u0) * 16, j1 = std::min<int64_t>(D, static_cast<int64_t>(u1) * 16);
    std::vector<float> pg(static_cast<size_t>(j1 - j0), 0.f), pb(static_cast<size_t>(j1 - j0), 0.f);
    for (int64_t r = 0; r < rows; ++r) {
      const float* xr = x.data + r * D;
      const float* dyr = dy.data + r * D;
      const float mu = mean[r], rs = rstd[r];
      for (int64_t j = j0; j < j1; ++j) {
        pg[j - j0] += dyr[j] * (xr[j] - mu) * rs;
        pb[j - j0] += dyr[j];
      }
    }
    for (int64_t j = j0; j < j1; ++j) {
      if (dgamma.data) dgamma.data[j] = pg[j - j0];
      if (dbeta.data) dbeta.data[j] = pb[j - j0];
    }
  });
  return info.Env().Undefined();
}

// gelu(x, out, tanhForm)
Napi::Value Gelu(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x"), out = f32_arg(info, 1, "out");
  const bool tanh_form = bool_arg(info, 2, "tanhForm");
  require(x.size == out.size, info, "gelu: x and out sizes differ");
  parallel_for(x.size, 1 << 14, [&](size_t lo, size_t hi) { gelu_range(x.data + lo, out.data + lo, static_cast<int64_t>(hi - lo), tanh_form); });
  return info.Env().Undefined();
}

// geluGrad(dy, x, dx, tanhForm)
Napi::Value GeluGrad(const Napi::CallbackInfo& info) {
  F32 dy = f32_arg(info, 0, "dy"), x = f32_arg(info, 1, "x"), dx = f32_arg(info, 2, "dx");
  const bool tanh_form = bool_arg(info, 3, "tanhForm");
  require(dy.size == x.size && dx.size == x.size, info, "geluGrad: sizes differ");
  parallel_for(x.size, 1 << 14, [&](size_t lo, size_t hi) {
    gelu_grad_range(dy.data + lo, x.data + lo, dx.data + lo, static_cast<int64_t>(hi - lo), tanh_form);
  });
  return info.Env().Undefined();
}

}  // namespace gb
