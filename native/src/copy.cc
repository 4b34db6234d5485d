// Data movement: Slice (any begin/size box of a row-major array), Tile, Concat and SplitV along
// one axis. For concat/split every array is viewed as [outer, inner_i], where outer is the product
// of the dims before the axis and inner_i the product of the rest (axis included).
#include <algorithm>
#include <cstring>
#include <vector>

#include "args.h"
#include "kernels.h"
#include "shape.h"
#include "thread_pool.h"

namespace gb {
namespace {

constexpr size_t kParallelElems = 1 << 15;

std::vector<F32> f32_list(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsArray()) throw arg_error(info, i, name, "must be an array of Float32Arrays");
  Napi::Array list = info[i].As<Napi::Array>();
  std::vector<F32> out;
  for (uint32_t k = 0; k < list.Length(); ++k) {
    Napi::Value v = list.Get(k);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) throw arg_error(info, i, name, "must be an array of Float32Arrays");
    Napi::Float32Array a = v.As<Napi::Float32Array>();
    out.push_back(F32{a.Data(), a.ElementLength()});
  }
  return out;
}

// Copies row r of every part into / out of the joined [outer, total] array.
void join_or_split(std::vector<F32>& parts, const Dims& inner, float* joined, int64_t outer, bool join) {
  int64_t total = 0;
  Dims start(inner.size());
  for (size_t k = 0; k < inner.size(); ++k) {
    start[k] = total;
    total += inner[k];
  }
  parallel_for(static_cast<size_t>(outer), std::max<size_t>(1, kParallelElems / std::max<int64_t>(total, 1)), [&](size_t lo, size_t hi) {
    for (size_t r = lo; r < hi; ++r) {
      for (size_t k = 0; k < parts.size(); ++k) {
        float* part_row = parts[k].data + static_cast<int64_t>(r) * inner[k];
        float* joined_row = joined + static_cast<int64_t>(r) * total + start[k];
        const size_t bytes = static_cast<size_t>(inner[k]) * sizeof(float);
        if (bytes == 0) continue;  // an empty part may have no storage at all
        if (join) std::memcpy(joined_row, part_row, bytes);
        else std::memcpy(part_row, joined_row, bytes);
      }
    }
  });
}

void check_parts(const Napi::CallbackInfo& info, const std::vector<F32>& parts, const Dims& inner, int64_t outer, size_t joined_size) {
  require(parts.size() == inner.size() && !parts.empty(), info, "concat/split: one inner size per part is needed");
  int64_t total = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    require(static_cast<int64_t>(parts[k].size) == outer * inner[k], info, "concat/split: a part's size differs from outer*inner");
    total += inner[k];
  }
  require(static_cast<int64_t>(joined_size) == outer * total, info, "concat/split: joined size differs from outer*sum(inner)");
}

}  // namespace

// slice(x, shape, begin, size, out): out = x[begin : begin+size] on every axis.
Napi::Value Slice(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  Dims shape = dims_arg(info, 1, "shape"), begin = dims_arg(info, 2, "begin"), size = dims_arg(info, 3, "size");
  F32 out = f32_arg(info, 4, "out");
  const size_t r = shape.size();
  require(static_cast<int64_t>(x.size) == product(shape), info, "slice: x size differs from shape");
  require(begin.size() == r && size.size() == r, info, "slice: begin/size rank differs from shape");
  for (size_t d = 0; d < r; ++d) require(begin[d] + size[d] <= shape[d], info, "slice: box exceeds the input");
  require(static_cast<int64_t>(out.size) == product(size), info, "slice: out size differs from size");
  if (out.size == 0) return info.Env().Undefined();
  // Trailing dims taken whole form one contiguous run with the first partial dim before them.
  int64_t inner = 1;
  int64_t d = static_cast<int64_t>(r) - 1;
  while (d >= 0 && begin[d] == 0 && size[d] == shape[d]) inner *= shape[d--];
  if (d >= 0) inner *= size[d];
  const Dims in_strides = strides_of(shape);
  int64_t base = 0;
  for (size_t k = 0; k < r; ++k) base += begin[k] * in_strides[k];
  const int64_t outer_dims = std::max<int64_t>(d, 0);  // dims [0, d) are walked by the odometer
  const Dims outer_shape(size.begin(), size.begin() + outer_dims);
  const Dims outer_strides(in_strides.begin(), in_strides.begin() + outer_dims);
  const int64_t rows = static_cast<int64_t>(out.size) / inner;
  parallel_for(static_cast<size_t>(rows), std::max<size_t>(1, kParallelElems / inner), [&](size_t lo, size_t hi) {
    Dims idx(outer_dims);
    const Dims* strides[1] = {&outer_strides};
    int64_t offs[1] = {0};
    odometer_seek(idx, outer_shape, strides, offs, outer_dims, static_cast<int64_t>(lo));
    for (size_t i = lo; i < hi; ++i) {
      std::memcpy(out.data + static_cast<int64_t>(i) * inner, x.data + base + offs[0], static_cast<size_t>(inner) * sizeof(float));
      odometer_step(idx, outer_shape, strides, offs, outer_dims);
    }
  });
  return info.Env().Undefined();
}

// tile(x, shape, reps, out): out.shape[d] = shape[d] * reps[d], out[i] = x[i mod shape].
Napi::Value Tile(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  Dims shape = dims_arg(info, 1, "shape"), reps = dims_arg(info, 2, "reps");
  F32 out = f32_arg(info, 3, "out");
  const size_t r = shape.size();
  require(r > 0 && reps.size() == r, info, "tile: reps rank differs from shape rank");
  require(static_cast<int64_t>(x.size) == product(shape), info, "tile: x size differs from shape");
  Dims out_shape(r);
  for (size_t d = 0; d < r; ++d) out_shape[d] = shape[d] * reps[d];
  require(static_cast<int64_t>(out.size) == product(out_shape), info, "tile: out size differs from shape*reps");
  if (out.size == 0) return info.Env().Undefined();
  const int64_t inner = shape[r - 1], out_inner = out_shape[r - 1];
  const int64_t rows = static_cast<int64_t>(out.size) / out_inner;
  const Dims in_strides = strides_of(shape);
  parallel_for(static_cast<size_t>(rows), std::max<size_t>(1, kParallelElems / out_inner), [&](size_t lo, size_t hi) {
    for (size_t row = lo; row < hi; ++row) {
      // Source row: the output row's multi-index (all dims but the last) modulo the input shape.
      int64_t rest = static_cast<int64_t>(row), src = 0;
      for (int64_t d = static_cast<int64_t>(r) - 2; d >= 0; --d) {
        src += (rest % out_shape[d]) % shape[d] * in_strides[d];
        rest /= out_shape[d];
      }
      float* o = out.data + static_cast<int64_t>(row) * out_inner;
      for (int64_t k = 0; k < reps[r - 1]; ++k) std::memcpy(o + k * inner, x.data + src, static_cast<size_t>(inner) * sizeof(float));
    }
  });
  return info.Env().Undefined();
}

// concat(parts, outer, innerSizes, out)
Napi::Value Concat(const Napi::CallbackInfo& info) {
  std::vector<F32> parts = f32_list(info, 0, "parts");
  const int64_t outer = int_arg(info, 1, "outer");
  Dims inner = dims_arg(info, 2, "innerSizes");
  F32 out = f32_arg(info, 3, "out");
  check_parts(info, parts, inner, outer, out.size);
  join_or_split(parts, inner, out.data, outer, true);
  return info.Env().Undefined();
}

// split(x, outer, innerSizes, parts): the inverse of concat.
Napi::Value Split(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x");
  const int64_t outer = int_arg(info, 1, "outer");
  Dims inner = dims_arg(info, 2, "innerSizes");
  std::vector<F32> parts = f32_list(info, 3, "parts");
  check_parts(info, parts, inner, outer, x.size);
  join_or_split(parts, inner, x.data, outer, false);
  return info.Env().Undefined();
}

}  // namespace gb
