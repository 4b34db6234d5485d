// Winograd F(2x2, 3x3) convolution for 3x3 stride-1 undilated convolutions, NHWC: each 2x2
// block of output pixels ("tile") reads a 4x4 input patch; in the transformed domain the
// convolution is 16 independent [tiles x Cin] x [Cin x Cout] products, 2.25x fewer multiplies
// than im2col. Transforms (Lavin & Gray 2015): U = G g G^T, V = B^T d B, Y = A^T M A. An optional
// bias and activation are applied to each tile's outputs as they are written.
#include "winograd.h"

#include <algorithm>
#include <vector>

#include "activation.h"
#include "gemm.h"
#include "thread_pool.h"

namespace gb {
namespace {

// Tiles per task: the transformed inputs and products of one task fit in L2.
constexpr int64_t kTilesPerTask = 96;

// U[k][Cin][Cout] for the 16 transformed taps k = 4*r + s, from filter [3, 3, Cin, Cout].
void transform_filter(const float* f, int64_t C, int64_t O, float* U) {
  const int64_t CO = C * O;
  for (int64_t i = 0; i < CO; ++i) {
    float g[3][3];
    for (int r = 0; r < 3; ++r)
      for (int s = 0; s < 3; ++s) g[r][s] = f[(r * 3 + s) * CO + i];
    float t[4][3];  // G g
    for (int s = 0; s < 3; ++s) {
      t[0][s] = g[0][s];
      t[1][s] = 0.5f * (g[0][s] + g[1][s] + g[2][s]);
      t[2][s] = 0.5f * (g[0][s] - g[1][s] + g[2][s]);
      t[3][s] = g[2][s];
    }
    for (int r = 0; r < 4; ++r) {  // (G g) G^T
      U[(r * 4 + 0) * CO + i] = t[r][0];
      U[(r * 4 + 1) * CO + i] = 0.5f * (t[r][0] + t[r][1] + t[r][2]);
      U[(r * 4 + 2) * CO + i] = 0.5f * (t[r][0] - t[r][1] + t[r][2]);
      U[(r * 4 + 3) * CO + i] = t[r][2];
    }
  }
}

}  // namespace

bool winograd_applies(int64_t N, int64_t KH, int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t PT, int64_t PL,
                      int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t C, int64_t O) {
  // 'same' padding of a 3x3 stride-1 convolution, with channels and tiles enough to pay: at 19x19,
  // 96->96 on 2 threads it took 7.7-8.2 CPU-ms at batch 16 (1600 tiles) against 10.9 for im2col,
  // but 0.96 against 0.72 at batch 1 (100 tiles).
  const int64_t tiles = N * ((H + 1) / 2) * ((W + 1) / 2);
  return KH == 3 && KW == 3 && SH == 1 && SW == 1 && DH == 1 && DW == 1 && PT == 1 && PL == 1 && OH == H && OW == W &&
         C >= 16 && O >= 16 && tiles >= 4 * kTilesPerTask;
}

void winograd_conv3x3(const float* x, const float* f, float* y, int64_t N, int64_t H, int64_t W, int64_t C, int64_t O,
                      const float* bias, int act, float alpha) {
  const bool has_epilogue = bias || act != kLinear;
  const int64_t TH = (H + 1) / 2, TW = (W + 1) / 2, T = N * TH * TW;
  std::vector<float> U(static_cast<size_t>(16 * C * O));
  transform_filter(f, C, O, U.data());
  const int64_t tasks = (T + kTilesPerTask - 1) / kTilesPerTask;
  parallel_for(static_cast<size_t>(tasks), 1, [&](size_t t0, size_t t1) {
    thread_local std::vector<float> V, M;
    for (size_t task = t0; task < t1; ++task) {
      const int64_t p0 = static_cast<int64_t>(task) * kTilesPerTask, p1 = std::min(T, p0 + kTilesPerTask), nt = p1 - p0;
      V.resize(static_cast<size_t>(16 * nt * C));
      M.resize(static_cast<size_t>(16 * nt * O));
      // Input transform: V[k][tile][c] = (B^T d B)[k] for the 4x4 patch d of each tile, computed
      // a whole channel row at a time (contiguous, vectorisable).
      thread_local std::vector<float> zero, tmp;
      zero.assign(static_cast<size_t>(C), 0.f);
      tmp.resize(static_cast<size_t>(16 * C));
      const int64_t vstride = nt * C;
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t tw = p % TW, th = (p / TW) % TH, n = p / (TW * TH);
        const int64_t h0 = 2 * th - 1, w0 = 2 * tw - 1;
        const float* d[16];
        for (int r = 0; r < 4; ++r)
          for (int s = 0; s < 4; ++s) {
            const int64_t h = h0 + r, w = w0 + s;
            d[r * 4 + s] = (h < 0 || h >= H || w < 0 || w >= W) ? zero.data() : x + ((n * H + h) * W + w) * C;
          }
        float* t = tmp.data();  // t = B^T d, rows r*4+s
        for (int s = 0; s < 4; ++s) {
          const float *d0 = d[s], *d1 = d[4 + s], *d2 = d[8 + s], *d3 = d[12 + s];
          float *t0 = t + s * C, *t1 = t + (4 + s) * C, *t2 = t + (8 + s) * C, *t3 = t + (12 + s) * C;
          for (int64_t c = 0; c < C; ++c) {
            t0[c] = d0[c] - d2[c];
            t1[c] = d1[c] + d2[c];
            t2[c] = d2[c] - d1[c];
            t3[c] = d1[c] - d3[c];
          }
        }
        float* v = V.data() + (p - p0) * C;
        for (int r = 0; r < 4; ++r) {  // (B^T d) B
          const float *a0 = t + (r * 4) * C, *a1 = a0 + C, *a2 = a1 + C, *a3 = a2 + C;
          float *v0 = v + (r * 4) * vstride, *v1 = v0 + vstride, *v2 = v1 + vstride, *v3 = v2 + vstride;
          for (int64_t c = 0; c < C; ++c) {
            v0[c] = a0[c] - a2[c];
            v1[c] = a1[c] + a2[c];
            v2[c] = a2[c] - a1[c];
            v3[c] = a1[c] - a3[c];
          }
        }
      }
      for (int k = 0; k < 16; ++k) {
        sgemm_serial(GemmArgs{false, false, nt, O, C, V.data() + k * nt * C, C, U.data() + k * C * O, O, M.data() + k * nt * O, O});
      }
      // Output transform: the 2x2 outputs A^T m A of each tile (clipped at the bottom/right
      // edge), a whole channel row at a time.
      tmp.resize(static_cast<size_t>(8 * O));
      const int64_t mstride = nt * O;
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t tw = p % TW, th = (p / TW) % TH, n = p / (TW * TH);
        const int64_t oh = 2 * th, ow = 2 * tw;
        const float* m = M.data() + (p - p0) * O;
        float* t = tmp.data();  // t = A^T m: rows i*4+s, i in {0,1}
        for (int s = 0; s < 4; ++s) {
          const float *q0 = m + s * mstride, *q1 = m + (4 + s) * mstride, *q2 = m + (8 + s) * mstride, *q3 = m + (12 + s) * mstride;
          float *t0 = t + s * O, *t1 = t + (4 + s) * O;
          for (int64_t o = 0; o < O; ++o) {
            t0[o] = q0[o] + q1[o] + q2[o];
            t1[o] = q1[o] - q2[o] - q3[o];
          }
        }
        for (int i = 0; i < 2 && oh + i < H; ++i) {
          const float *a0 = t + (i * 4) * O, *a1 = a0 + O, *a2 = a1 + O, *a3 = a2 + O;
          float* y0 = y + ((n * H + oh + i) * W + ow) * O;
          for (int64_t o = 0; o < O; ++o) y0[o] = a0[o] + a1[o] + a2[o];
          const bool second = ow + 1 < W;
          if (second) {
            float* y1 = y0 + O;
            for (int64_t o = 0; o < O; ++o) y1[o] = a1[o] - a2[o] - a3[o];
          }
          if (has_epilogue) bias_activation(y0, second ? 2 : 1, O, bias, act, alpha);
        }
      }
    }
  });
}

}  // namespace gb
