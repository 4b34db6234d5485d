#pragma once
#include "shape.h"

namespace gb {

// out = x with its axes permuted: out.shape[i] = shape[perm[i]] (row-major both). Multithreaded.
void permute(const float* x, const Dims& shape, const Dims& perm, float* out);

}  // namespace gb
