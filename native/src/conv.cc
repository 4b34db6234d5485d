// 2-D convolution, NHWC (tfjs Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter).
// Layouts: x [N, H, W, Cin]; filter [KH, KW, Cin, Cout] (= a [KH*KW*Cin, Cout] matrix);
// y / dy [N, OH, OW, Cout]. Output pixel (oh, ow) reads input rows oh*SH - PT + i*DH and
// columns ow*SW - PL + j*DW for filter tap (i, j); taps outside the image read zero.
// Method: im2col (one row of KH*KW*Cin values per output pixel) + sgemm; a 1x1 stride-1
// unpadded convolution is a single sgemm on x itself; a large enough 3x3 'same' forward
// convolution goes to Winograd F(2x2, 3x3) (winograd.cc).
#include <algorithm>
#include <cstring>
#include <vector>

#include "activation.h"
#include "args.h"
#include "gemm.h"
#include "kernels.h"
#include "shape.h"
#include "thread_pool.h"
#include "winograd.h"

namespace gb {
namespace {

struct Conv {
  int64_t N, H, W, C, KH, KW, O, SH, SW, DH, DW, PT, PL, OH, OW;
  int64_t taps() const { return KH * KW * C; }
  int64_t pixels() const { return N * OH * OW; }
  bool is_pointwise() const { return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W; }
};

Conv conv_args(const Napi::CallbackInfo& info, size_t i) {
  Dims d = dims_arg(info, i, "conv");
  require(d.size() == 15, info, "conv: expects [N,H,W,Cin,KH,KW,Cout,SH,SW,DH,DW,padTop,padLeft,OH,OW]");
  Conv c{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14]};
  require(c.SH > 0 && c.SW > 0 && c.DH > 0 && c.DW > 0, info, "conv: strides and dilations must be positive");
  return c;
}

// Rows [p0, p1) of the im2col matrix (pixel p = (n*OH + oh)*OW + ow), each of KH*KW*Cin values.
void im2col(const Conv& c, const float* x, int64_t p0, int64_t p1, float* cols) {
  const int64_t taps = c.taps();
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t ow = p % c.OW, oh = (p / c.OW) % c.OH, n = p / (c.OW * c.OH);
    float* row = cols + (p - p0) * taps;
    for (int64_t i = 0; i < c.KH; ++i) {
      const int64_t h = oh * c.SH - c.PT + i * c.DH;
      for (int64_t j = 0; j < c.KW; ++j, row += c.C) {
        const int64_t w = ow * c.SW - c.PL + j * c.DW;
        if (h < 0 || h >= c.H || w < 0 || w >= c.W) std::fill(row, row + c.C, 0.f);
        else std::memcpy(row, x + ((n * c.H + h) * c.W + w) * c.C, static_cast<size_t>(c.C) * sizeof(float));
      }
    }
  }
}

// dx += the im2col rows [p0, p1) scattered back to their input positions (inverse of im2col).
void col2im_add(const Conv& c, const float* cols, int64_t p0, int64_t p1, float* dx) {
  const int64_t taps = c.taps();
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t ow = p % c.OW, oh = (p / c.OW) % c.OH, n = p / (c.OW * c.OH);
    const float* row = cols + (p - p0) * taps;
    for (int64_t i = 0; i < c.KH; ++i) {
      const int64_t h = oh * c.SH - c.PT + i * c.DH;
      for (int64_t j = 0; j < c.KW; ++j, row += c.C) {
        const int64_t w = ow * c.SW - c.PL + j * c.DW;
        if (h < 0 || h >= c.H || w < 0 || w >= c.W) continue;
        float* dst = dx + ((n * c.H + h) * c.W + w) * c.C;
        for (int64_t k = 0; k < c.C; ++k) dst[k] += row[k];
      }
    }
  }
}

// Pixels per im2col block: about 256K floats (1 MB) of columns, at least one pixel. Measured on
// 3x3 96->96 at 19x19, batch 16 (2 threads): 86-88 GFLOP per CPU-second against 75-83 with 4 MB
// blocks, whose 5 blocks also split unevenly over 2 threads.
int64_t block_pixels(const Conv& c) { return std::max<int64_t>(1, (1 << 18) / std::max<int64_t>(c.taps(), 1)); }

void check_sizes(const Napi::CallbackInfo& info, const Conv& c, size_t x, size_t f, size_t y) {
  require(static_cast<int64_t>(x) == c.N * c.H * c.W * c.C, info, "conv: x size differs from N*H*W*Cin");
  require(static_cast<int64_t>(f) == c.KH * c.KW * c.C * c.O, info, "conv: filter size differs from KH*KW*Cin*Cout");
  require(static_cast<int64_t>(y) == c.N * c.OH * c.OW * c.O, info, "conv: y size differs from N*OH*OW*Cout");
}

}  // namespace

// conv2d(x, filter, out, conv[, bias|null, activation, alpha]): the optional bias (one value per
// output channel) and activation (activation.h codes) are applied to each block of output while
// it is still in cache (tfjs FusedConv2D).
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x"), f = f32_arg(info, 1, "filter"), y = f32_arg(info, 2, "out");
  const Conv c = conv_args(info, 3);
  check_sizes(info, c, x.size, f.size, y.size);
  F32 bias{nullptr, 0};
  if (info.Length() > 4 && !is_null(info, 4)) {
    bias = f32_arg(info, 4, "bias");
    require(static_cast<int64_t>(bias.size) == c.O, info, "conv2d: bias must have one value per output channel");
  }
  const int act = info.Length() > 5 ? static_cast<int>(int_arg(info, 5, "activation", 0, kActivationCount - 1)) : kLinear;
  const float alpha = info.Length() > 6 ? static_cast<float>(num_arg(info, 6, "alpha")) : 0.f;
  const bool has_epilogue = bias.data || act != kLinear;
  if (y.size == 0) return info.Env().Undefined();
  if (c.is_pointwise()) {
    sgemm_parallel(GemmArgs{false, false, c.pixels(), c.O, c.C, x.data, c.C, f.data, c.O, y.data, c.O});
    if (has_epilogue) {
      parallel_for(static_cast<size_t>(c.pixels()), 256, [&](size_t r0, size_t r1) {
        bias_activation(y.data + r0 * c.O, static_cast<int64_t>(r1 - r0), c.O, bias.data, act, alpha);
      });
    }
    return info.Env().Undefined();
  }
  if (winograd_applies(c.N, c.KH, c.KW, c.SH, c.SW, c.DH, c.DW, c.PT, c.PL, c.H, c.W, c.OH, c.OW, c.C, c.O)) {
    winograd_conv3x3(x.data, f.data, y.data, c.N, c.H, c.W, c.C, c.O, bias.data, act, alpha);
    return info.Env().Undefined();
  }
  const int64_t P = c.pixels();
  const int64_t threads = num_threads();
  // Even blocks of at most block_pixels() pixels; a product worth splitting gets at least one
  // block per thread, so im2col runs in parallel too and each thread packs its filter once.
  int64_t blocks = (P + block_pixels(c) - 1) / block_pixels(c);
  const double flops = 2.0 * P * c.taps() * c.O;
  if (threads > 1 && blocks < threads && flops >= 2.0e6 && P >= 16 * threads) blocks = threads;
  auto run_block = [&](int64_t b, bool parallel_gemm) {
    const int64_t p0 = P * b / blocks, p1 = P * (b + 1) / blocks;
    thread_local std::vector<float> cols;
    cols.resize(static_cast<size_t>((p1 - p0) * c.taps()));
    im2col(c, x.data, p0, p1, cols.data());
    GemmArgs g{false, false, p1 - p0, c.O, c.taps(), cols.data(), c.taps(), f.data, c.O, y.data + p0 * c.O, c.O};
    if (parallel_gemm) sgemm_parallel(g);
    else sgemm_serial(g);
    if (has_epilogue) bias_activation(y.data + p0 * c.O, p1 - p0, c.O, bias.data, act, alpha);
  };
  if (threads > 1 && blocks >= threads) {
    parallel_for(static_cast<size_t>(blocks), 1, [&](size_t b0, size_t b1) {
      for (size_t b = b0; b < b1; ++b) run_block(static_cast<int64_t>(b), false);
    });
  } else {
    for (int64_t b = 0; b < blocks; ++b) run_block(b, true);
  }
  return info.Env().Undefined();
}

// conv2dBackpropInput(dy, filter, dx, conv): dx = d(loss)/dx for y = conv2d(x, filter).
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  F32 dy = f32_arg(info, 0, "dy"), f = f32_arg(info, 1, "filter"), dx = f32_arg(info, 2, "dx");
  const Conv c = conv_args(info, 3);
  check_sizes(info, c, dx.size, f.size, dy.size);
  if (dx.size == 0) return info.Env().Undefined();
  if (c.is_pointwise()) {
    // dx[P, Cin] = dy[P, Cout] * filter[Cin, Cout]^T
    sgemm_parallel(GemmArgs{false, true, c.pixels(), c.C, c.O, dy.data, c.O, f.data, c.O, dx.data, c.C});
    return info.Env().Undefined();
  }
  std::fill(dx.data, dx.data + dx.size, 0.f);
  const int64_t per_image = c.OH * c.OW;
  // Images are independent (their scatters never overlap): one image per task.
  auto run_image = [&](int64_t n, bool parallel_gemm) {
    const int64_t block = block_pixels(c);
    thread_local std::vector<float> cols;
    for (int64_t p0 = n * per_image; p0 < (n + 1) * per_image; p0 += block) {
      const int64_t p1 = std::min((n + 1) * per_image, p0 + block);
      cols.resize(static_cast<size_t>((p1 - p0) * c.taps()));
      // cols[p, taps] = dy[p, Cout] * filter[taps, Cout]^T
      GemmArgs g{false, true, p1 - p0, c.taps(), c.O, dy.data + p0 * c.O, c.O, f.data, c.O, cols.data(), c.taps()};
      if (parallel_gemm) sgemm_parallel(g);
      else sgemm_serial(g);
      col2im_add(c, cols.data(), p0, p1, dx.data);
    }
  };
  if (c.N >= num_threads()) {
    parallel_for(static_cast<size_t>(c.N), 1, [&](size_t n0, size_t n1) {
      for (size_t n = n0; n < n1; ++n) run_image(static_cast<int64_t>(n), false);
    });
  } else {
    for (int64_t n = 0; n < c.N; ++n) run_image(n, true);
  }
  return info.Env().Undefined();
}

// conv2dBackpropFilter(x, dy, dfilter, conv): dfilter[taps, Cout] = sum_p cols[p, taps]^T dy[p, Cout].
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  F32 x = f32_arg(info, 0, "x"), dy = f32_arg(info, 1, "dy"), df = f32_arg(info, 2, "dfilter");
  const Conv c = conv_args(info, 3);
  check_sizes(info, c, x.size, df.size, dy.size);
  if (df.size == 0) return info.Env().Undefined();
  if (c.is_pointwise()) {
    sgemm_parallel(GemmArgs{true, false, c.C, c.O, c.pixels(), x.data, c.C, dy.data, c.O, df.data, c.O});
    return info.Env().Undefined();
  }
  const int64_t P = c.pixels(), taps = c.taps(), block = block_pixels(c);
  const int64_t blocks = (P + block - 1) / block;
  const int threads = num_threads();
  // One partial sum per thread slot, added together at the end.
  std::vector<std::vector<float>> partial(static_cast<size_t>(threads));
  const int64_t slots = std::min<int64_t>(threads, blocks);
  parallel_for(static_cast<size_t>(slots), 1, [&](size_t s0, size_t s1) {
    for (size_t s = s0; s < s1; ++s) {
      std::vector<float>& acc = partial[s];
      acc.assign(static_cast<size_t>(taps * c.O), 0.f);
      std::vector<float> cols, tmp(static_cast<size_t>(taps * c.O));
      for (int64_t b = static_cast<int64_t>(s); b < blocks; b += slots) {
        const int64_t p0 = b * block, p1 = std::min(P, p0 + block);
        cols.resize(static_cast<size_t>((p1 - p0) * taps));
        im2col(c, x.data, p0, p1, cols.data());
        sgemm_serial(GemmArgs{true, false, taps, c.O, p1 - p0, cols.data(), taps, dy.data + p0 * c.O, c.O, tmp.data(), c.O});
        for (size_t i = 0; i < acc.size(); ++i) acc[i] += tmp[i];
      }
    }
  });
  std::fill(df.data, df.data + df.size, 0.f);
  for (int64_t s = 0; s < slots; ++s) {
    for (size_t i = 0; i < df.size; ++i) df.data[i] += partial[static_cast<size_t>(s)][i];
  }
  return info.Env().Undefined();
}

}  // namespace gb
