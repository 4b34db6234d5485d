// 2-D max and average pooling, NHWC (tfjs MaxPool, AvgPool, MaxPoolGrad, AvgPoolGrad).
// Layouts: x / dx [N, H, W, C], y / dy [N, OH, OW, C]. Output (oh, ow) pools input rows
// oh*SH - PT .. +FH-1 and columns ow*SW - PL .. +FW-1, clipped to the image (padding is
// ignored: the average divides by the number of in-image taps, as tfjs's forward does).
// Max picks the first maximum in window order (row by row), as tfjs does.
#include <algorithm>
#include <limits>
#include <vector>

#include "args.h"
#include "kernels.h"
#include "shape.h"
#include "thread_pool.h"

namespace gb {
namespace {

struct Pool2D {
  int64_t N, H, W, C, FH, FW, SH, SW, PT, PL, OH, OW;
};

Pool2D pool_args(const Napi::CallbackInfo& info, size_t i) {
  Dims d = dims_arg(info, i, "pool");
  require(d.size() == 12, info, "pool: expects [N,H,W,C,FH,FW,SH,SW,padTop,padLeft,OH,OW]");
  Pool2D p{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]};
  require(p.SH > 0 && p.SW > 0 && p.FH > 0 && p.FW > 0, info, "pool: filter and strides must be positive");
  return p;
}

// The in-image window of output (oh, ow): rows [h0, h1), columns [w0, w1).
struct Window {
  int64_t h0, h1, w0, w1;
};
inline Window window(const Pool2D& p, int64_t oh, int64_t ow) {
  const int64_t hc = oh * p.SH - p.PT, wc = ow * p.SW - p.PL;
  return {std::max<int64_t>(0, hc), std::min(p.H, hc + p.FH), std::max<int64_t>(0, wc), std::min(p.W, wc + p.FW)};
}

// Forward for image n: every output pixel's C channels at once (inner loops run over channels).
void pool_image(const Pool2D& p, const float* x, float* y, bool is_max) {
  for (int64_t oh = 0; oh < p.OH; ++oh) {
    for (int64_t ow = 0; ow < p.OW; ++ow, y += p.C) {
      const Window w = window(p, oh, ow);
      std::fill(y, y + p.C, is_max ? -std::numeric_limits<float>::infinity() : 0.f);
      for (int64_t h = w.h0; h < w.h1; ++h) {
        for (int64_t c = w.w0; c < w.w1; ++c) {
          const float* px = x + (h * p.W + c) * p.C;
          if (is_max) {
            for (int64_t k = 0; k < p.C; ++k) y[k] = px[k] > y[k] ? px[k] : y[k];
          } else {
            for (int64_t k = 0; k < p.C; ++k) y[k] += px[k];
          }
        }
      }
      if (!is_max) {
        const int64_t count = (w.h1 - w.h0) * (w.w1 - w.w0);
        const float inv = count > 0 ? 1.f / static_cast<float>(count) : std::numeric_limits<float>::quiet_NaN();
        for (int64_t k = 0; k < p.C; ++k) y[k] *= inv;
      }
    }
  }
}

// Backward for image n: dx += dy routed to each window's first maximum, or spread evenly.
void pool_grad_image(const Pool2D& p, const float* x, const float* dy, float* dx, bool is_max, std::vector<float>& best, std::vector<int64_t>& arg) {
  for (int64_t oh = 0; oh < p.OH; ++oh) {
    for (int64_t ow = 0; ow < p.OW; ++ow, dy += p.C) {
      const Window w = window(p, oh, ow);
      if (is_max) {
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(arg.begin(), arg.end(), -1);
        for (int64_t h = w.h0; h < w.h1; ++h) {
          for (int64_t c = w.w0; c < w.w1; ++c) {
            const int64_t base = (h * p.W + c) * p.C;
            for (int64_t k = 0; k < p.C; ++k) {
              if (x[base + k] > best[k]) {
                best[k] = x[base + k];
                arg[k] = base + k;
              }
            }
          }
        }
        for (int64_t k = 0; k < p.C; ++k) {
          if (arg[k] >= 0) dx[arg[k]] += dy[k];
        }
      } else {
        const int64_t count = (w.h1 - w.h0) * (w.w1 - w.w0);
        if (count == 0) continue;
        const float share = 1.f / static_cast<float>(count);
        for (int64_t h = w.h0; h < w.h1; ++h) {
          for (int64_t c = w.w0; c < w.w1; ++c) {
            float* d = dx + (h * p.W + c) * p.C;
            for (int64_t k = 0; k < p.C; ++k) d[k] += dy[k] * share;
          }
        }
      }
    }
  }
}

}  // namespace

// pool2d(x, out, pool, isMax)
Napi::Value Pool2DForward(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x"), y = f32_arg(info, 1, "out");
  const Pool2D p = pool_args(info, 2);
  const bool is_max = bool_arg(info, 3, "isMax");
  require(static_cast<int64_t>(x.size) == p.N * p.H * p.W * p.C, info, "pool: x size differs from N*H*W*C");
  require(static_cast<int64_t>(y.size) == p.N * p.OH * p.OW * p.C, info, "pool: out size differs from N*OH*OW*C");
  parallel_for(static_cast<size_t>(p.N), 1, [&](size_t n0, size_t n1) {
    for (size_t n = n0; n < n1; ++n) pool_image(p, x.data + n * p.H * p.W * p.C, y.data + n * p.OH * p.OW * p.C, is_max);
  });
  return info.Env().Undefined();
}

// pool2dGrad(dy, x, dx, pool, isMax)
Napi::Value Pool2DBackward(const Napi::CallbackInfo& info) {
  F32 dy = f32_arg(info, 0, "dy"), x = f32_arg(info, 1, "x"), dx = f32_arg(info, 2, "dx");
  const Pool2D p = pool_args(info, 3);
  const bool is_max = bool_arg(info, 4, "isMax");
  require(static_cast<int64_t>(x.size) == p.N * p.H * p.W * p.C && dx.size == x.size, info, "poolGrad: x/dx size differs from N*H*W*C");
  require(static_cast<int64_t>(dy.size) == p.N * p.OH * p.OW * p.C, info, "poolGrad: dy size differs from N*OH*OW*C");
  std::fill(dx.data, dx.data + dx.size, 0.f);
  parallel_for(static_cast<size_t>(p.N), 1, [&](size_t n0, size_t n1) {
    std::vector<float> best(static_cast<size_t>(p.C));
    std::vector<int64_t> arg(static_cast<size_t>(p.C));
    for (size_t n = n0; n < n1; ++n) {
      const int64_t img = static_cast<int64_t>(n) * p.H * p.W * p.C;
      pool_grad_image(p, x.data + img, dy.data + n * p.OH * p.OW * p.C, dx.data + img, is_max, best, arg);
    }
  });
  return info.Env().Undefined();
}

}  // namespace gb
