// Softmax and log-softmax over the last axis (tfjs Softmax), numerically stable:
// y = exp(x - max) / sum(exp(x - max)); log y = x - max - log(sum(exp(x - max))).
// Layout: x and out are [rows, cols] row-major.
#include <cmath>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "thread_pool.h"
#include "simd_clones.h"

namespace gb {
namespace {

// In SIMD clones (simd_clones.h). Max and sum run in kLanes independent partial results so the loops
// vectorise (a single running float sum or max is a serial dependency the compiler may not reorder).
constexpr int64_t kLanes = 16;

GB_SIMD_CLONES
void softmax_rows(const float* x, float* y, int64_t r0, int64_t r1, int64_t cols, bool log) {
  const int64_t body = cols - cols % kLanes;
  for (int64_t r = r0; r < r1; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float mv[kLanes];
    for (int64_t l = 0; l < kLanes; ++l) mv[l] = -INFINITY;
    for (int64_t c = 0; c < body; c += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) mv[l] = xr[c + l] > mv[l] ? xr[c + l] : mv[l];
    }
    float m = -INFINITY;
    for (int64_t l = 0; l < kLanes; ++l) m = mv[l] > m ? mv[l] : m;
    for (int64_t c = body; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
    float sv[kLanes] = {0.f};
    for (int64_t c = 0; c < body; c += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) {
        const float e = fast_exp(xr[c + l] - m);
        yr[c + l] = e;
        sv[l] += e;
      }
    }
    float s = 0.f;
    for (int64_t l = 0; l < kLanes; ++l) s += sv[l];
    for (int64_t c = body; c < cols; ++c) {
      const float e = fast_exp(xr[c] - m);
      yr[c] = e;
      s += e;
    }
    if (log) {
      const float shift = m + std::log(s);
      for (int64_t c = 0; c < cols; ++c) yr[c] = xr[c] - shift;
    } else {
      const float inv = 1.f / s;
      for (int64_t c = 0; c < cols; ++c) yr[c] *= inv;
    }
  }
}

}  // namespace

// softmax(x, out, rows, cols, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x"), out = f32_arg(info, 1, "out");
  const int64_t rows = int_arg(info, 2, "rows"), cols = int_arg(info, 3, "cols");
  const bool log = bool_arg(info, 4, "log");
  require(static_cast<int64_t>(x.size) == rows * cols && out.size == x.size, info, "softmax: sizes differ from rows*cols");
  if (x.size == 0) return info.Env().Undefined();
  parallel_for(static_cast<size_t>(rows), std::max<size_t>(1, (1 << 14) / static_cast<size_t>(cols)), [&](size_t lo, size_t hi) {
    softmax_rows(x.data, out.data, static_cast<int64_t>(lo), static_cast<int64_t>(hi), cols, log);
  });
  return info.Env().Undefined();
}

}  // namespace gb
