// Winograd F(4x4, 3x3) (Lavin & Gray 2015, interpolation points 0, +-1, +-2): each 4x4 block of
// output pixels ("tile") reads a 6x6 input patch d; Y = A^T [(G g G^T) . (B^T d B)] A, so the
// convolution becomes 36 independent [tiles x C] x [C x O] products (2.25 multiplies per output
// against 9 for direct convolution). Transforms run a whole channel row at a time (contiguous in
// NHWC, vectorised). Many tiles: tasks of a few dozen tiles each run transform, products and
// output in cache; few tiles (small batches): three parallel phases, the products split by tap.
#include "go_winograd.h"

#include <algorithm>
#include <vector>

#include "gemm.h"
#include "thread_pool.h"
#include "simd_clones.h"

namespace gb {
namespace {

constexpr int64_t kMaxTilesPerTask = 48;

// out[i][c] = (B^T in)[i][c]: the 1-D input transform of six channel rows, a channel at a time.
__attribute__((always_inline)) inline void bt_rows(const float* const in[6], float* const out[6], int64_t C) {
  const float *d0 = in[0], *d1 = in[1], *d2 = in[2], *d3 = in[3], *d4 = in[4], *d5 = in[5];
  float *t0 = out[0], *t1 = out[1], *t2 = out[2], *t3 = out[3], *t4 = out[4], *t5 = out[5];
#pragma GCC ivdep
  for (int64_t c = 0; c < C; ++c) {
    t0[c] = 4.f * d0[c] - 5.f * d2[c] + d4[c];
    t1[c] = -4.f * (d1[c] + d2[c]) + d3[c] + d4[c];
    t2[c] = 4.f * (d1[c] - d2[c]) - d3[c] + d4[c];
    t3[c] = 2.f * (d3[c] - d1[c]) + d4[c] - d2[c];
    t4[c] = 2.f * (d1[c] - d3[c]) + d4[c] - d2[c];
    t5[c] = 4.f * d1[c] - 5.f * d3[c] + d5[c];
  }
}

// V[k * vstride + (p - p0) * C + c] = (B^T d B)[k] for the tiles p in [p0, p1).
GB_SIMD_CLONES
void input_tiles(const float* x, int64_t H, int64_t W, int64_t C, int64_t TH, int64_t TW, int64_t p0, int64_t p1, float* V,
                 int64_t vstride, const float* zero, float* t) {
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t tw = p % TW, th = (p / TW) % TH, n = p / (TW * TH);
    const int64_t h0 = 4 * th - 1, w0 = 4 * tw - 1;
    const float* d[36];
    for (int r = 0; r < 6; ++r)
      for (int s = 0; s < 6; ++s) {
        const int64_t h = h0 + r, w = w0 + s;
        d[r * 6 + s] = (h < 0 || h >= H || w < 0 || w >= W) ? zero : x + ((n * H + h) * W + w) * C;
      }
    for (int s = 0; s < 6; ++s) {  // t = B^T d, rows r*6+s
      const float* in[6] = {d[s], d[6 + s], d[12 + s], d[18 + s], d[24 + s], d[30 + s]};
      float* out[6] = {t + s * C, t + (6 + s) * C, t + (12 + s) * C, t + (18 + s) * C, t + (24 + s) * C, t + (30 + s) * C};
      bt_rows(in, out, C);
    }
    float* v = V + (p - p0) * C;
    for (int r = 0; r < 6; ++r) {  // (B^T d) B
      const float* a = t + (r * 6) * C;
      float* v0 = v + (r * 6) * vstride;
      const float* in[6] = {a, a + C, a + 2 * C, a + 3 * C, a + 4 * C, a + 5 * C};
      float* out[6] = {v0, v0 + vstride, v0 + 2 * vstride, v0 + 3 * vstride, v0 + 4 * vstride, v0 + 5 * vstride};
      bt_rows(in, out, C);
    }
  }
}

// Four output pixels of one row from the rows a0..a5 of A^T m: (A^T m A) + bs, activation (0 or 1),
// stored or accumulated. Inlined into output_tiles' clones.
template <int ACT, bool ACC>
__attribute__((always_inline)) inline void store_row4(const float* a0, const float* a1, const float* a2, const float* a3, const float* a4,
                                                       const float* a5, const float* bs, float* y0, int64_t O) {
  float *y1 = y0 + O, *y2 = y1 + O, *y3 = y2 + O;
#pragma GCC ivdep
  for (int64_t o = 0; o < O; ++o) {
    const float a = a1[o] + a2[o], b = a1[o] - a2[o], c = a3[o] + a4[o], d = a3[o] - a4[o];
    float v0 = a0[o] + a + c + bs[o], v1 = b + 2.f * d + bs[o], v2 = a + 4.f * c + bs[o], v3 = b + 8.f * d + a5[o] + bs[o];
    if (ACT == 1) {
      v0 = v0 > 0.f ? v0 : 0.f;
      v1 = v1 > 0.f ? v1 : 0.f;
      v2 = v2 > 0.f ? v2 : 0.f;
      v3 = v3 > 0.f ? v3 : 0.f;
    }
    if (ACC) {
      y0[o] += v0;
      y1[o] += v1;
      y2[o] += v2;
      y3[o] += v3;
    } else {
      y0[o] = v0;
      y1[o] = v1;
      y2[o] = v2;
      y3[o] = v3;
    }
  }
}

// Y = A^T m A for the tiles p in [p0, p1) from M[k * mstride + (p - p0) * O + o], written to y
// (clipped at the bottom and right edges) through the epilogue. Scratch: t (24 * O), row (4 * O),
// bs (O: bias + the image's vector bias).
GB_SIMD_CLONES
void output_tiles(const float* M, int64_t mstride, int64_t p0, int64_t p1, float* y, int64_t H, int64_t W, int64_t O, int64_t TH,
                  int64_t TW, const WinogradEpilogue& e, float* t, float* row, float* bs) {
  int64_t bs_image = -1;
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t tw = p % TW, th = (p / TW) % TH, n = p / (TW * TH);
    const int64_t oh = 4 * th, ow = 4 * tw;
    if (n != bs_image) {
      for (int64_t o = 0; o < O; ++o) bs[o] = (e.bias ? e.bias[o] : 0.f) + (e.vec ? e.vec[n * O + o] : 0.f);
      bs_image = n;
    }
    const float* m = M + (p - p0) * O;
    for (int s = 0; s < 6; ++s) {  // t = A^T m: rows i*6+s, i < 4
      const float *q0 = m + s * mstride, *q1 = q0 + 6 * mstride, *q2 = q1 + 6 * mstride, *q3 = q2 + 6 * mstride, *q4 = q3 + 6 * mstride,
                  *q5 = q4 + 6 * mstride;
      float *t0 = t + s * O, *t1 = t0 + 6 * O, *t2 = t1 + 6 * O, *t3 = t2 + 6 * O;
#pragma GCC ivdep
      for (int64_t o = 0; o < O; ++o) {
        const float a = q1[o] + q2[o], b = q1[o] - q2[o], c = q3[o] + q4[o], d = q3[o] - q4[o];
        t0[o] = q0[o] + a + c;
        t1[o] = b + 2.f * d;
        t2[o] = a + 4.f * c;
        t3[o] = b + 8.f * d + q5[o];
      }
    }
    for (int i = 0; i < 4 && oh + i < H; ++i) {
      const float *a0 = t + (i * 6) * O, *a1 = a0 + O, *a2 = a1 + O, *a3 = a2 + O, *a4 = a3 + O, *a5 = a4 + O;
      float* y0 = y + ((n * H + oh + i) * W + ow) * O;
      const int64_t cols = std::min<int64_t>(4, W - ow);
      if (cols == 4 && (e.act == 0 || e.act == 1)) {
        if (e.act == 1) {
          if (e.accumulate) store_row4<1, true>(a0, a1, a2, a3, a4, a5, bs, y0, O);
          else store_row4<1, false>(a0, a1, a2, a3, a4, a5, bs, y0, O);
        } else {
          if (e.accumulate) store_row4<0, true>(a0, a1, a2, a3, a4, a5, bs, y0, O);
          else store_row4<0, false>(a0, a1, a2, a3, a4, a5, bs, y0, O);
        }
        continue;
      }
      float *r0 = row, *r1 = row + O, *r2 = r1 + O, *r3 = r2 + O;
#pragma GCC ivdep
      for (int64_t o = 0; o < O; ++o) {
        const float a = a1[o] + a2[o], b = a1[o] - a2[o], c = a3[o] + a4[o], d = a3[o] - a4[o];
        r0[o] = a0[o] + a + c;
        r1[o] = b + 2.f * d;
        r2[o] = a + 4.f * c;
        r3[o] = b + 8.f * d + a5[o];
      }
      for (int64_t j = 0; j < cols; ++j) go_epilogue_row(row + j * O, y0 + j * O, O, bs, nullptr, e.act, e.accumulate);
    }
  }
}

void products(const float* V, int64_t vstride, const float* U, float* M, int64_t mstride, int64_t rows, int64_t C, int64_t O, int k0,
              int k1) {
  for (int k = k0; k < k1; ++k) {
    sgemm_serial(GemmArgs{false, false, rows, O, C, V + k * vstride, C, U + k * C * O, O, M + k * mstride, O});
  }
}

thread_local bool serial_mode = false;

}  // namespace

GB_SIMD_CLONES
void go_epilogue_row(const float* src, float* dst, int64_t O, const float* bias, const float* vec, int act, bool accumulate) {
  float tmp[512];
  for (int64_t o0 = 0; o0 < O; o0 += 512) {
    const int64_t n = std::min<int64_t>(512, O - o0);
    for (int64_t o = 0; o < n; ++o) tmp[o] = src[o0 + o] + (bias ? bias[o0 + o] : 0.f) + (vec ? vec[o0 + o] : 0.f);
    if (act == 1) {
      for (int64_t o = 0; o < n; ++o) tmp[o] = tmp[o] > 0.f ? tmp[o] : 0.f;
    } else if (act != 0) {
      for (int64_t o = 0; o < n; ++o) tmp[o] = go_activate(tmp[o], act);
    }
    if (accumulate) {
      for (int64_t o = 0; o < n; ++o) dst[o0 + o] += tmp[o];
    } else {
      for (int64_t o = 0; o < n; ++o) dst[o0 + o] = tmp[o];
    }
  }
}


GoSerialScope::GoSerialScope() : previous(serial_mode) { serial_mode = true; }
GoSerialScope::~GoSerialScope() { serial_mode = previous; }

void go_parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
  if (serial_mode) {
    if (n > 0) fn(0, n);
  } else {
    parallel_for(n, grain, fn);
  }
}

void go_winograd_f4_filter(const float* f, int64_t C, int64_t O, float* U) {
  const int64_t CO = C * O;
  for (int64_t i = 0; i < CO; ++i) {
    float g[3][3];
    for (int r = 0; r < 3; ++r)
      for (int s = 0; s < 3; ++s) g[r][s] = f[(r * 3 + s) * CO + i];
    float t[6][3];  // G g
    for (int s = 0; s < 3; ++s) {
      t[0][s] = g[0][s] / 4.f;
      t[1][s] = -(g[0][s] + g[1][s] + g[2][s]) / 6.f;
      t[2][s] = -(g[0][s] - g[1][s] + g[2][s]) / 6.f;
      t[3][s] = g[0][s] / 24.f + g[1][s] / 12.f + g[2][s] / 6.f;
      t[4][s] = g[0][s] / 24.f - g[1][s] / 12.f + g[2][s] / 6.f;
      t[5][s] = g[2][s];
    }
    for (int r = 0; r < 6; ++r) {  // (G g) G^T
      const float a = t[r][0], b = t[r][1], c = t[r][2];
      float* u = U + (r * 6) * CO + i;
      u[0 * CO] = a / 4.f;
      u[1 * CO] = -(a + b + c) / 6.f;
      u[2 * CO] = -(a - b + c) / 6.f;
      u[3 * CO] = a / 24.f + b / 12.f + c / 6.f;
      u[4 * CO] = a / 24.f - b / 12.f + c / 6.f;
      u[5 * CO] = c;
    }
  }
}

void go_winograd_f4_conv3x3(const float* x, const float* U, float* y, int64_t N, int64_t H, int64_t W, int64_t C, int64_t O,
                            const WinogradEpilogue& e) {
  const int64_t TH = (H + 3) / 4, TW = (W + 3) / 4, T = N * TH * TW;
  const int64_t threads = num_threads();
  if (T >= 2 * threads * 16) {
    // Tasks of at most kMaxTilesPerTask tiles, a multiple of the thread count.
    int64_t tasks = threads * ((T + threads * kMaxTilesPerTask - 1) / (threads * kMaxTilesPerTask));
    tasks = std::min(tasks, T);
    go_parallel_for(static_cast<size_t>(tasks), 1, [&](size_t t0, size_t t1) {
      thread_local std::vector<float> V, M, tmp, row, z;
      if (static_cast<int64_t>(z.size()) < C) z.assign(static_cast<size_t>(C), 0.f);
      for (size_t task = t0; task < t1; ++task) {
        const int64_t p0 = T * static_cast<int64_t>(task) / tasks, p1 = T * static_cast<int64_t>(task + 1) / tasks, nt = p1 - p0;
        V.resize(static_cast<size_t>(36 * nt * C));
        M.resize(static_cast<size_t>(36 * nt * O));
        tmp.resize(static_cast<size_t>(36 * std::max(C, O)));
        row.resize(static_cast<size_t>(5 * O));
        input_tiles(x, H, W, C, TH, TW, p0, p1, V.data(), nt * C, z.data(), tmp.data());
        products(V.data(), nt * C, U, M.data(), nt * O, nt, C, O, 0, 36);
        output_tiles(M.data(), nt * O, p0, p1, y, H, W, O, TH, TW, e, tmp.data(), row.data(), row.data() + 4 * O);
      }
    });
    return;
  }
  // Few tiles: transform all of them, split the 36 products across threads, transform back.
  thread_local std::vector<float> V, M;
  V.resize(static_cast<size_t>(36 * T * C));
  M.resize(static_cast<size_t>(36 * T * O));
  float* Vd = V.data();
  float* Md = M.data();
  go_parallel_for(static_cast<size_t>(T), 4, [&](size_t p0, size_t p1) {
    thread_local std::vector<float> tmp, z;
    if (static_cast<int64_t>(z.size()) < C) z.assign(static_cast<size_t>(C), 0.f);
    tmp.resize(static_cast<size_t>(36 * C));
    input_tiles(x, H, W, C, TH, TW, static_cast<int64_t>(p0), static_cast<int64_t>(p1), Vd + p0 * C, T * C, z.data(), tmp.data());
  });
  go_parallel_for(36, 1, [&](size_t k0, size_t k1) { products(Vd, T * C, U, Md, T * O, T, C, O, static_cast<int>(k0), static_cast<int>(k1)); });
  go_parallel_for(static_cast<size_t>(T), 4, [&](size_t p0, size_t p1) {
    thread_local std::vector<float> tmp, row;
    tmp.resize(static_cast<size_t>(24 * O));
    row.resize(static_cast<size_t>(5 * O));
    output_tiles(Md + p0 * O, T * O, static_cast<int64_t>(p0), static_cast<int64_t>(p1), y, H, W, O, TH, TW, e, tmp.data(), row.data(),
                 row.data() + 4 * O);
  });
}

}  // namespace gb
