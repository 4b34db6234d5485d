// Small single-threaded sgemm for the many matrices of one batched product (attention: QK^T,
// pattern * V and their gradients, [128 x 64] by [64 x 128] and the like). A general sgemm
// packs both operands into panels first; for matrices this small the packing costs as much as
// a third of the multiply. This kernel packs nothing: it walks rows of op(B) in place (B is
// transposed once into a scratch buffer when transB) and broadcasts elements of op(A) straight
// from memory, so transA costs nothing either. 12 x 32 tiles of C live in 24 AVX-512
// accumulators; ragged edges use masked loads and stores (and a shorter row count).
#include <algorithm>
#include <vector>

#include "gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace gb {

#if defined(__x86_64__)
namespace {

const bool has_avx512 = __builtin_cpu_supports("avx512f");

constexpr int kRows = 12, kCols = 32;

// C[R rows, up to 32 cols] = sum_k op(A)[r, k] * Bk[k, cols]. op(A)[r, k] = A[r * sam + k * sak];
// Bk is row-major with row stride ldb; m0/m1 mask the two 16-column halves.
template <int R>
__attribute__((target("avx512f"))) void tile(int64_t K, const float* A, int64_t sam, int64_t sak, const float* B, int64_t ldb, float* C,
                                             int64_t ldc, __mmask16 m0, __mmask16 m1) {
  __m512 acc[R][2];
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < K; ++k, A += sak, B += ldb) {
    const __m512 b0 = _mm512_maskz_loadu_ps(m0, B), b1 = _mm512_maskz_loadu_ps(m1, B + 16);
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      const __m512 x = _mm512_set1_ps(A[r * sam]);
      acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    _mm512_mask_storeu_ps(C + r * ldc, m0, acc[r][0]);
    _mm512_mask_storeu_ps(C + r * ldc + 16, m1, acc[r][1]);
  }
}

using TileFn = void (*)(int64_t, const float*, int64_t, int64_t, const float*, int64_t, float*, int64_t, __mmask16, __mmask16);
const TileFn kTiles[kRows + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>,
                                  tile<7>, tile<8>, tile<9>, tile<10>, tile<11>, tile<12>};

__mmask16 mask_of(int64_t cols) { return cols >= 16 ? __mmask16(0xFFFF) : cols <= 0 ? __mmask16(0) : __mmask16((1u << cols) - 1); }

// out[k * N + n] = B[n * ldb + k]: op(B) of a transB product as row-major [K, N], in 16 x 16 blocks.
void transpose_b(const GemmArgs& g, float* out) {
  constexpr int64_t T = 16;
  for (int64_t n0 = 0; n0 < g.N; n0 += T) {
    const int64_t n1 = std::min(g.N, n0 + T);
    for (int64_t k0 = 0; k0 < g.K; k0 += T) {
      const int64_t k1 = std::min(g.K, k0 + T);
      for (int64_t n = n0; n < n1; ++n) {
        const float* src = g.B + n * g.ldb;
        for (int64_t k = k0; k < k1; ++k) out[k * g.N + n] = src[k];
      }
    }
  }
}

}  // namespace

bool sgemm_small(const GemmArgs& g) {
  if (!has_avx512) return false;
  if (g.M <= 0 || g.N <= 0) return true;
  if (g.K <= 0) {
    for (int64_t m = 0; m < g.M; ++m) std::fill(g.C + m * g.ldc, g.C + m * g.ldc + g.N, 0.f);
    return true;
  }
  const float* B = g.B;
  int64_t ldb = g.ldb;
  if (g.transB) {
    thread_local std::vector<float> scratch;
    scratch.resize(static_cast<size_t>(g.K * g.N));
    transpose_b(g, scratch.data());
    B = scratch.data();
    ldb = g.N;
  }
  // op(A)[m, k] = A[m * sam + k * sak], broadcast straight from A (no packing).
  const int64_t sam = g.transA ? 1 : g.lda, sak = g.transA ? g.lda : 1;
  for (int64_t r0 = 0; r0 < g.M; r0 += kRows) {
    const int64_t rows = std::min<int64_t>(kRows, g.M - r0);
    for (int64_t n0 = 0; n0 < g.N; n0 += kCols) {
      const int64_t cols = std::min<int64_t>(kCols, g.N - n0);
      kTiles[rows](g.K, g.A + r0 * sam, sam, sak, B + n0, ldb, g.C + r0 * g.ldc + n0, g.ldc, mask_of(cols), mask_of(cols - 16));
    }
  }
  return true;
}

#else

bool sgemm_small(const GemmArgs&) { return false; }

#endif

}  // namespace gb
