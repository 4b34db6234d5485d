// Transpose (tfjs Transpose): any permutation of a row-major array. Dims that stay adjacent
// are merged first, then one of three loops runs: contiguous row copies (last axis kept),
// a tiled 2-D transpose per batch ([B,R,C] -> [B,C,R]), or a general strided gather.
#include "transpose.h"

#include <algorithm>
#include <cstring>

#include "args.h"
#include "kernels.h"
#include "thread_pool.h"

namespace gb {
namespace {

constexpr size_t kParallelElems = 1 << 15;
constexpr int64_t kTile = 32;

// Merges input dims that remain adjacent and in order under perm; drops size-1 dims.
void simplify(const Dims& shape, const Dims& perm, Dims* out_shape, Dims* out_perm) {
  // Input dims kept (size > 1), renumbered.
  Dims keep_index(shape.size(), -1);
  Dims s;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] != 1) {
      keep_index[d] = static_cast<int64_t>(s.size());
      s.push_back(shape[d]);
    }
  }
  Dims p;
  for (int64_t d : perm) {
    if (keep_index[d] >= 0) p.push_back(keep_index[d]);
  }
  // Group runs of perm that are consecutive input dims.
  Dims group_of(s.size(), -1);
  Dims groups_first;  // first input dim of each group, in output order
  for (size_t i = 0; i < p.size(); ++i) {
    if (i > 0 && p[i] == p[i - 1] + 1) {
      group_of[p[i]] = group_of[p[i - 1]];
    } else {
      group_of[p[i]] = static_cast<int64_t>(groups_first.size());
      groups_first.push_back(p[i]);
    }
  }
  // Group sizes, and the groups' order in the input.
  const size_t g = groups_first.size();
  Dims gsize(g, 1);
  for (size_t d = 0; d < s.size(); ++d) gsize[group_of[d]] *= s[d];
  Dims order(g);  // input position of each group
  Dims by_input(groups_first);
  std::sort(by_input.begin(), by_input.end());
  for (size_t k = 0; k < g; ++k) order[k] = std::lower_bound(by_input.begin(), by_input.end(), groups_first[k]) - by_input.begin();
  out_shape->assign(g, 0);
  for (size_t k = 0; k < g; ++k) (*out_shape)[order[k]] = gsize[k];
  *out_perm = order;
}

void tile_transpose(const float* x, float* y, int64_t R, int64_t C) {
  // x is [R,C], y is [C,R]
  for (int64_t r0 = 0; r0 < R; r0 += kTile) {
    const int64_t r1 = std::min(R, r0 + kTile);
    for (int64_t c0 = 0; c0 < C; c0 += kTile) {
      const int64_t c1 = std::min(C, c0 + kTile);
      for (int64_t c = c0; c < c1; ++c) {
        for (int64_t r = r0; r < r1; ++r) y[c * R + r] = x[r * C + c];
      }
    }
  }
}

}  // namespace

void permute(const float* x, const Dims& shape_in, const Dims& perm_in, float* out) {
  const int64_t n = product(shape_in);
  if (n == 0) return;
  Dims shape, perm;
  simplify(shape_in, perm_in, &shape, &perm);
  const int64_t r = static_cast<int64_t>(shape.size());
  if (r <= 1) {
    std::memcpy(out, x, static_cast<size_t>(n) * sizeof(float));
    return;
  }
  const Dims in_strides = strides_of(shape);
  Dims out_shape(r), src_strides(r);
  for (int64_t i = 0; i < r; ++i) {
    out_shape[i] = shape[perm[i]];
    src_strides[i] = in_strides[perm[i]];
  }
  if (perm[r - 1] == r - 1) {
    // Last axis kept: copy rows of `inner` contiguous values.
    const int64_t inner = out_shape[r - 1];
    const int64_t rows = n / inner;
    parallel_for(static_cast<size_t>(rows), std::max<size_t>(1, kParallelElems / inner), [&](size_t lo, size_t hi) {
      Dims idx(r - 1);
      const Dims* strides[1] = {&src_strides};
      int64_t offs[1];
      odometer_seek(idx, out_shape, strides, offs, r - 1, static_cast<int64_t>(lo));
      for (size_t i = lo; i < hi; ++i) {
        std::memcpy(out + static_cast<int64_t>(i) * inner, x + offs[0], static_cast<size_t>(inner) * sizeof(float));
        odometer_step(idx, out_shape, strides, offs, r - 1);
      }
    });
    return;
  }
  if (perm[r - 1] == r - 2 && perm[r - 2] == r - 1) {
    // Batched 2-D transpose: out[..., C, R] from x[..., R, C] with the leading axes permuted.
    const int64_t R = shape[r - 2], C = shape[r - 1];
    const int64_t batch = n / (R * C);
    parallel_for(static_cast<size_t>(batch), std::max<size_t>(1, kParallelElems / (R * C)), [&](size_t lo, size_t hi) {
      Dims idx(std::max<int64_t>(r - 2, 1));
      const Dims* strides[1] = {&src_strides};
      int64_t offs[1] = {0};
      if (r > 2) odometer_seek(idx, out_shape, strides, offs, r - 2, static_cast<int64_t>(lo));
      for (size_t i = lo; i < hi; ++i) {
        tile_transpose(x + offs[0], out + static_cast<int64_t>(i) * R * C, R, C);
        if (r > 2) odometer_step(idx, out_shape, strides, offs, r - 2);
      }
    });
    return;
  }
  // General: walk the output in order, gathering with the permuted source strides.
  const int64_t inner = out_shape[r - 1], inner_stride = src_strides[r - 1];
  const int64_t rows = n / inner;
  parallel_for(static_cast<size_t>(rows), std::max<size_t>(1, kParallelElems / inner), [&](size_t lo, size_t hi) {
    Dims idx(r - 1);
    const Dims* strides[1] = {&src_strides};
    int64_t offs[1];
    odometer_seek(idx, out_shape, strides, offs, r - 1, static_cast<int64_t>(lo));
    for (size_t i = lo; i < hi; ++i) {
      float* o = out + static_cast<int64_t>(i) * inner;
      const float* s = x + offs[0];
      for (int64_t j = 0; j < inner; ++j) o[j] = s[j * inner_stride];
      odometer_step(idx, out_shape, strides, offs, r - 1);
    }
  });
}

// transpose(x, shape, perm, out)
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  Dims shape = dims_arg(info, 1, "shape"), perm = dims_arg(info, 2, "perm");
  F32 out = f32_arg(info, 3, "out");
  require(static_cast<int64_t>(x.size) == product(shape) && out.size == x.size, info, "transpose: sizes differ from the shape");
  require(perm.size() == shape.size(), info, "transpose: perm rank differs from shape rank");
  Dims seen(shape.size(), 0);
  for (int64_t p : perm) {
    require(p < static_cast<int64_t>(shape.size()) && !seen[p], info, "transpose: perm is not a permutation");
    seen[p] = 1;
  }
  permute(x.data, shape, perm, out.data);
  return info.Env().Undefined();
}

}  // namespace gb
