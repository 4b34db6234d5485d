// Gather along one axis (tfjs GatherV2) and its gradient (UnsortedSegmentSum).
// gather: x is [batch, outer, axis, inner], indices [batch, n], out [batch, outer, n, inner].
// segmentSum: x is [n, inner], ids [n], out [segments, inner] (ids outside [0, segments) skipped,
// as tfjs does).
#include <algorithm>
#include <cstring>
#include <string>

#include "args.h"
#include "kernels.h"
#include "thread_pool.h"

namespace gb {

// gather(x, batch, outer, axisSize, inner, indices, out)
Napi::Value Gather(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  const int64_t batch = int_arg(info, 1, "batch"), outer = int_arg(info, 2, "outer"), axis = int_arg(info, 3, "axisSize"), inner = int_arg(info, 4, "inner");
  size_t n_idx = 0;
  const int32_t* idx = i32_arg(info, 5, "indices", &n_idx);
  F32 out = f32_arg(info, 6, "out");
  require(static_cast<int64_t>(x.size) == batch * outer * axis * inner, info, "gather: x size differs from batch*outer*axis*inner");
  require(batch > 0 && n_idx % static_cast<size_t>(batch) == 0, info, "gather: indices size is not a multiple of batch");
  const int64_t n = static_cast<int64_t>(n_idx) / batch;
  require(static_cast<int64_t>(out.size) == batch * outer * n * inner, info, "gather: out size differs from batch*outer*n*inner");
  for (size_t i = 0; i < n_idx; ++i) {
    if (idx[i] < 0 || idx[i] >= axis) {
      throw Napi::RangeError::New(info.Env(), "glassbox native: gather index " + std::to_string(idx[i]) + " is not in [0, " + std::to_string(axis) + ")");
    }
  }
  const int64_t rows = batch * outer * n;
  parallel_for(static_cast<size_t>(rows), std::max<size_t>(1, (1 << 15) / std::max<int64_t>(inner, 1)), [&](size_t lo, size_t hi) {
    for (size_t r = lo; r < hi; ++r) {
      const int64_t j = static_cast<int64_t>(r) % n, bo = static_cast<int64_t>(r) / n, b = bo / outer;
      const int64_t src = (bo * axis + idx[b * n + j]) * inner;
      std::memcpy(out.data + static_cast<int64_t>(r) * inner, x.data + src, static_cast<size_t>(inner) * sizeof(float));
    }
  });
  return info.Env().Undefined();
}

// segmentSum(x, ids, segments, inner, out)
Napi::Value SegmentSum(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  size_t n = 0;
  const int32_t* ids = i32_arg(info, 1, "ids", &n);
  const int64_t segments = int_arg(info, 2, "segments"), inner = int_arg(info, 3, "inner");
  F32 out = f32_arg(info, 4, "out");
  require(static_cast<int64_t>(x.size) == static_cast<int64_t>(n) * inner, info, "segmentSum: x size differs from ids*inner");
  require(static_cast<int64_t>(out.size) == segments * inner, info, "segmentSum: out size differs from segments*inner");
  std::fill(out.data, out.data + out.size, 0.f);
  // Threads own disjoint column ranges, so no two write the same output.
  parallel_for(static_cast<size_t>(inner), 1024, [&](size_t c0, size_t c1) {
    for (size_t i = 0; i < n; ++i) {
      const int32_t s = ids[i];
      if (s < 0 || s >= segments) continue;
      const float* src = x.data + static_cast<int64_t>(i) * inner;
      float* dst = out.data + static_cast<int64_t>(s) * inner;
      for (size_t c = c0; c < c1; ++c) dst[c] += src[c];
    }
  });
  return info.Env().Undefined();
}

}  // namespace gb
