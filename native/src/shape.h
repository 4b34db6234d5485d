// Shape helpers shared by the kernels: row-major strides and dimension collapsing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gb {

using Dims = std::vector<int64_t>;

// Row-major strides of a shape (in elements).
inline Dims strides_of(const Dims& shape) {
  Dims s(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

// Advances a multi-index `idx` over `shape` by one step (last dim fastest), updating one
// running offset per operand with that operand's strides.
template <size_t K>
inline void odometer_step(Dims& idx, const Dims& shape, const Dims* const (&strides)[K], int64_t (&offs)[K], int64_t dims) {
  for (int64_t d = dims - 1; d >= 0; --d) {
    if (++idx[d] < shape[d]) {
      for (size_t k = 0; k < K; ++k) offs[k] += (*strides[k])[d];
      return;
    }
    idx[d] = 0;
    for (size_t k = 0; k < K; ++k) offs[k] -= (*strides[k])[d] * (shape[d] - 1);
  }
}

// Sets idx to the multi-index of flat position `pos` over shape[0..dims), and offs accordingly.
template <size_t K>
inline void odometer_seek(Dims& idx, const Dims& shape, const Dims* const (&strides)[K], int64_t (&offs)[K], int64_t dims, int64_t pos) {
  for (size_t k = 0; k < K; ++k) offs[k] = 0;
  for (int64_t d = dims - 1; d >= 0; --d) {
    idx[d] = pos % shape[d];
    pos /= shape[d];
    for (size_t k = 0; k < K; ++k) offs[k] += idx[d] * (*strides[k])[d];
  }
}

}  // namespace gb
