// Reductions over any set of axes (tfjs Sum, Mean, Max, Min, Prod). Dims are grouped into runs
// of kept and reduced axes; the common layouts run directly:
//   [K, R] rows (last axes reduced), [R, K] columns (leading axes), [K1, R, K2] (middle axes);
// anything else is first permuted to [kept..., reduced...].
#include <algorithm>
#include <limits>
#include <vector>

#include "args.h"
#include "kernels.h"
#include "thread_pool.h"
#include "transpose.h"

namespace gb {
namespace {

enum ReduceOp { kSum = 0, kMean, kMax, kMin, kProd, kReduceOpCount };

constexpr size_t kParallelElems = 1 << 15;

float identity_of(int op) {
  switch (op) {
    case kMax: return -std::numeric_limits<float>::infinity();
    case kMin: return std::numeric_limits<float>::infinity();
    case kProd: return 1.f;
    default: return 0.f;
  }
}

// acc = combine(acc, v), NaN-propagating for max/min like tfjs.
inline float combine(int op, float acc, float v) {
  switch (op) {
    case kMax: return (v > acc || v != v) ? v : acc;
    case kMin: return (v < acc || v != v) ? v : acc;
    case kProd: return acc * v;
    default: return acc + v;
  }
}

// out[k] = reduce over r of x[k*R + r], for k in [k0, k1).
void reduce_rows(int op, const float* x, int64_t R, float* out, int64_t k0, int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const float* row = x + k * R;
    if (op == kSum || op == kMean) {
      // Eight partial sums: vectorises and keeps rounding error low.
      float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t r = 0;
      for (; r + 8 <= R; r += 8) {
        for (int j = 0; j < 8; ++j) part[j] += row[r + j];
      }
      float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
      for (; r < R; ++r) s += row[r];
      out[k] = s;
    } else {
      float acc = identity_of(op);
      for (int64_t r = 0; r < R; ++r) acc = combine(op, acc, row[r]);
      out[k] = acc;
    }
  }
}

// out[k] = reduce over r of x[r*K + k] for k in [k0, k1) (columns of an [R, K] block).
void reduce_cols(int op, const float* x, int64_t R, int64_t K, float* out, int64_t k0, int64_t k1) {
  float* o = out + k0;
  const int64_t w = k1 - k0;
  std::fill(o, o + w, identity_of(op));
  for (int64_t r = 0; r < R; ++r) {
    const float* row = x + r * K + k0;
    if (op == kSum || op == kMean) {
      for (int64_t j = 0; j < w; ++j) o[j] += row[j];
    } else {
      for (int64_t j = 0; j < w; ++j) o[j] = combine(op, o[j], row[j]);
    }
  }
}

// Reduces an [K1, R, K2] array to [K1, K2] (K1 or K2 may be 1).
void reduce_3d(int op, const float* x, int64_t K1, int64_t R, int64_t K2, float* out) {
  if (K2 == 1) {
    parallel_for(static_cast<size_t>(K1), std::max<size_t>(1, kParallelElems / std::max<int64_t>(R, 1)), [&](size_t lo, size_t hi) {
      reduce_rows(op, x, R, out, static_cast<int64_t>(lo), static_cast<int64_t>(hi));
    });
    return;
  }
  if (K1 >= 4) {
    parallel_for(static_cast<size_t>(K1), std::max<size_t>(1, kParallelElems / std::max<int64_t>(R * K2, 1)), [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; ++i) reduce_cols(op, x + i * R * K2, R, K2, out + i * K2, 0, K2);
    });
    return;
  }
  // Few outer blocks: split the columns instead (in multiples of 16 for whole cache lines).
  for (int64_t i = 0; i < K1; ++i) {
    const int64_t units = (K2 + 15) / 16;
    parallel_for(static_cast<size_t>(units), std::max<size_t>(1, kParallelElems / std::max<int64_t>(R * 16, 1)), [&](size_t lo, size_t hi) {
      reduce_cols(op, x + i * R * K2, R, K2, out + i * K2, static_cast<int64_t>(lo) * 16, std::min<int64_t>(K2, static_cast<int64_t>(hi) * 16));
    });
  }
}

}  // namespace

// reduce(op, x, shape, axes, out): out has the kept dims of shape (in order).
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(int_arg(info, 0, "op", 0, kReduceOpCount - 1));
  F32 x = f32_arg(info, 1, "x");
  Dims shape = dims_arg(info, 2, "shape"), axes = dims_arg(info, 3, "axes");
  F32 out = f32_arg(info, 4, "out");
  require(static_cast<int64_t>(x.size) == product(shape), info, "reduce: x size differs from shape");
  std::vector<bool> reduced(shape.size(), false);
  for (int64_t a : axes) {
    require(a < static_cast<int64_t>(shape.size()) && !reduced[a], info, "reduce: bad or repeated axis");
    reduced[a] = true;
  }
  int64_t R = 1;
  for (size_t d = 0; d < shape.size(); ++d) R *= reduced[d] ? shape[d] : 1;
  require(R > 0 && static_cast<int64_t>(out.size) * R == static_cast<int64_t>(x.size), info, "reduce: out size differs from the kept dims (or nothing to reduce)");
  if (out.size == 0) return info.Env().Undefined();

  // Runs of kept / reduced dims (size-1 dims dropped).
  Dims run_size;
  std::vector<bool> run_reduced;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!run_size.empty() && run_reduced.back() == reduced[d]) {
      run_size.back() *= shape[d];
    } else {
      run_size.push_back(shape[d]);
      run_reduced.push_back(reduced[d]);
    }
  }
  const size_t runs = run_size.size();
  if (R == 1 || runs == 0) {
    // Nothing actually reduced: every output is the single input value of its slot.
    std::copy(x.data, x.data + x.size, out.data);
  } else if (runs == 1) {
    reduce_3d(op, x.data, 1, R, 1, out.data);  // everything reduced
  } else if (runs == 2) {
    if (run_reduced[1]) reduce_3d(op, x.data, run_size[0], R, 1, out.data);
    else reduce_3d(op, x.data, 1, R, run_size[1], out.data);
  } else if (runs == 3 && run_reduced[1]) {
    reduce_3d(op, x.data, run_size[0], R, run_size[2], out.data);
  } else {
    // General: permute kept dims first, then reduce rows.
    Dims perm;
    for (size_t d = 0; d < shape.size(); ++d) if (!reduced[d]) perm.push_back(static_cast<int64_t>(d));
    for (size_t d = 0; d < shape.size(); ++d) if (reduced[d]) perm.push_back(static_cast<int64_t>(d));
    std::vector<float> tmp(x.size);
    permute(x.data, shape, perm, tmp.data());
    reduce_3d(op, tmp.data(), static_cast<int64_t>(out.size), R, 1, out.data);
  }
  if (op == kMean) {
    const float inv = 1.f / static_cast<float>(R);
    parallel_for(out.size, kParallelElems, [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; ++i) out.data[i] *= inv;
    });
  }
  return info.Env().Undefined();
}

// argReduce(x, outer, axisSize, inner, out: Int32Array, isMax): for x viewed as
// [outer, axisSize, inner], out[o, i] = index along the axis of the first max (or min).
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  const int64_t outer = int_arg(info, 1, "outer"), axis = int_arg(info, 2, "axisSize"), inner = int_arg(info, 3, "inner");
  size_t out_size = 0;
  int32_t* out = i32_out_arg(info, 4, "out", &out_size);
  const bool is_max = bool_arg(info, 5, "isMax");
  require(static_cast<int64_t>(x.size) == outer * axis * inner && axis > 0, info, "argReduce: x size differs from outer*axis*inner");
  require(static_cast<int64_t>(out_size) == outer * inner, info, "argReduce: out size differs from outer*inner");
  parallel_for(static_cast<size_t>(outer), std::max<size_t>(1, kParallelElems / static_cast<size_t>(axis * inner)), [&](size_t lo, size_t hi) {
    std::vector<float> best(static_cast<size_t>(inner));
    for (size_t o = lo; o < hi; ++o) {
      const float* block = x.data + static_cast<int64_t>(o) * axis * inner;
      int32_t* res = out + static_cast<int64_t>(o) * inner;
      std::copy(block, block + inner, best.begin());
      std::fill(res, res + inner, 0);
      for (int64_t a = 1; a < axis; ++a) {
        const float* row = block + a * inner;
        for (int64_t i = 0; i < inner; ++i) {
          if (is_max ? row[i] > best[i] : row[i] < best[i]) {
            best[i] = row[i];
            res[i] = static_cast<int32_t>(a);
          }
        }
      }
    }
  });
  return info.Env().Undefined();
}

}  // namespace gb
