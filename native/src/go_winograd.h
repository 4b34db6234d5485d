// Winograd F(4x4, 3x3) convolution for the KataGo network (go_net.cc): 3x3, stride 1, 'same'
// padding, NHWC, with a fused epilogue (channel bias, per-image vector bias, activation,
// residual accumulation).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace gb {

// KataGo activations: 0 identity, 1 relu, 2 mish, 3 silu.
inline float go_activate(float x, int act) {
  switch (act) {
    case 1: return x > 0.f ? x : 0.f;
    case 2: return x * std::tanh(x > 20.f ? x : std::log1p(std::exp(x)));
    case 3: return x / (1.f + std::exp(-x));
    default: return x;
  }
}

// parallel_for on the addon's pool, or inline on this thread inside a GoSerialScope (a network
// pass running on its own thread beside others). Work splits never depend on the mode, so results
// are identical either way.
void go_parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);
struct GoSerialScope {
  GoSerialScope();
  ~GoSerialScope();
  bool previous;
};

// One output row of O channels: dst (=|+=) act(src + bias + vec) (bias, vec may be null).
void go_epilogue_row(const float* src, float* dst, int64_t O, const float* bias, const float* vec, int act, bool accumulate);

struct WinogradEpilogue {
  const float* bias;  // [O] or null
  const float* vec;   // [N, O] or null
  int act;            // go_activate code
  bool accumulate;    // y += result instead of y = result
};

// U [36, C, O] = G g G^T for each (c, o) of the filter f [3, 3, C, O].
void go_winograd_f4_filter(const float* f, int64_t C, int64_t O, float* U);

// y [N, H, W, O] (=|+=) act(conv(x [N, H, W, C], f) + bias + vec), U from go_winograd_f4_filter.
void go_winograd_f4_conv3x3(const float* x, const float* U, float* y, int64_t N, int64_t H, int64_t W, int64_t C, int64_t O,
                            const WinogradEpilogue& e);

}  // namespace gb
