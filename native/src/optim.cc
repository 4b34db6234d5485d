// Fused optimizer updates on flat parameter arrays (one pass instead of a dozen tensor ops).
// Adam/AdamW, as in src/nn/optim/adam.ts:
//   g' = g + l2 * p;  m = b1 m + (1-b1) g';  v = b2 v + (1-b2) g'^2;
//   out = p * decay - stepSize * m / (sqrt(v) / bc2Sqrt + eps)
// (AdamW: decay = 1 - lr*wd, l2 = 0; Adam: decay = 1, l2 = wd; stepSize = lr / (1 - b1^t),
// bc2Sqrt = sqrt(1 - b2^t)). m and v are updated in place; out may be p itself.
#include <cmath>

#include "args.h"
#include "kernels.h"
#include "thread_pool.h"
#include "simd_clones.h"

namespace gb {
namespace {

struct AdamParams {
  float beta1, beta2, eps, step_size, decay, l2, inv_bc2_sqrt;
};

GB_SIMD_CLONES
void adam_range(const float* p, const float* g, float* m, float* v, float* out, int64_t n, AdamParams a) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + a.l2 * p[i];
    const float mi = a.beta1 * m[i] + (1.f - a.beta1) * gi;
    const float vi = a.beta2 * v[i] + (1.f - a.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i] * a.decay - a.step_size * mi / (std::sqrt(vi) * a.inv_bc2_sqrt + a.eps);
  }
}

}  // namespace

// adamUpdate(p, g, m, v, out, beta1, beta2, eps, stepSize, decay, l2, bc2Sqrt)
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  F32 p = f32_arg(info, 0, "p"), g = f32_arg(info, 1, "g"), m = f32_arg(info, 2, "m"), v = f32_arg(info, 3, "v"), out = f32_arg(info, 4, "out");
  require(g.size == p.size && m.size == p.size && v.size == p.size && out.size == p.size, info, "adamUpdate: arrays differ in size");
  const double bc2 = num_arg(info, 11, "bc2Sqrt");
  require(bc2 > 0, info, "adamUpdate: bc2Sqrt must be positive");
  const AdamParams a{static_cast<float>(num_arg(info, 5, "beta1")), static_cast<float>(num_arg(info, 6, "beta2")),
                     static_cast<float>(num_arg(info, 7, "eps")), static_cast<float>(num_arg(info, 8, "stepSize")),
                     static_cast<float>(num_arg(info, 9, "decay")), static_cast<float>(num_arg(info, 10, "l2")), static_cast<float>(1.0 / bc2)};
  parallel_for(p.size, 1 << 15, [&](size_t lo, size_t hi) {
    adam_range(p.data + lo, g.data + lo, m.data + lo, v.data + lo, out.data + lo, static_cast<int64_t>(hi - lo), a);
  });
  return info.Env().Undefined();
}

}  // namespace gb
