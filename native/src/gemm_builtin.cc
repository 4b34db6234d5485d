// The built-in sgemm, used when OpenBLAS is absent: the classic blocked algorithm. A KC x NC
// block of op(B) is packed into NR-column panels, an MC x KC block of op(A) into MR-row panels,
// and an MR x NR micro-kernel accumulates each tile of C in registers. Micro-kernels: AVX-512
// 12x32, AVX2+FMA 6x16, or portable C 6x16, chosen by what the CPU supports.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace gb {
namespace {

constexpr int64_t KC = 256, MC = 120, NC = 2048;  // cache blocks (L1: B panel, L2: A block); MC % 12 == 0
constexpr int64_t MAX_MR = 12, MAX_NR = 32;

// A micro-kernel computes an mr x nr tile: C (+)= packed A panel (kc x mr) * packed B panel (kc x nr),
// writing only rows x cols of it (the rest of the tile is padding).
using KernelFn = void (*)(int64_t kc, const float* a, const float* b, float* C, int64_t ldc, int64_t rows, int64_t cols, bool accumulate);
struct MicroKernel {
  int64_t mr, nr;
  KernelFn fn;
};

// Packed A: for each mr-row panel, kc steps of mr values (rows past M are zero).
void pack_a(const GemmArgs& g, int64_t mr, int64_t i0, int64_t mc, int64_t k0, int64_t kc, float* out) {
  for (int64_t p = 0; p < mc; p += mr) {
    const int64_t rows = std::min(mr, mc - p);
    for (int64_t k = 0; k < kc; ++k, out += mr) {
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t m = i0 + p + r, kk = k0 + k;
        out[r] = g.transA ? g.A[kk * g.lda + m] : g.A[m * g.lda + kk];
      }
      for (int64_t r = rows; r < mr; ++r) out[r] = 0.f;
    }
  }
}

// Packed B: for each nr-column panel, kc steps of nr values (columns past N are zero).
void pack_b(const GemmArgs& g, int64_t nr, int64_t j0, int64_t nc, int64_t k0, int64_t kc, float* out) {
  for (int64_t q = 0; q < nc; q += nr) {
    const int64_t cols = std::min(nr, nc - q);
    for (int64_t k = 0; k < kc; ++k, out += nr) {
      const int64_t kk = k0 + k;
      if (!g.transB && cols == nr) {
        std::memcpy(out, g.B + kk * g.ldb + j0 + q, static_cast<size_t>(nr) * sizeof(float));
        continue;
      }
      for (int64_t c = 0; c < cols; ++c) {
        const int64_t n = j0 + q + c;
        out[c] = g.transB ? g.B[n * g.ldb + kk] : g.B[kk * g.ldb + n];
      }
      for (int64_t c = cols; c < nr; ++c) out[c] = 0.f;
    }
  }
}

// Writes (or adds, when accumulate) a tile held in `acc` to C, clipped to rows x cols. `acc` holds the tile row-major with row length nr.
void store_tile(const float* acc, int64_t nr, float* C, int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      C[r * ldc + c] = accumulate ? C[r * ldc + c] + acc[r * nr + c] : acc[r * nr + c];
    }
  }
}

constexpr int64_t MR = 6, NR = 16;  // tile of the generic and AVX2 kernels

void kernel_generic(int64_t kc, const float* a, const float* b, float* C, int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  float acc[MR * NR] = {0};
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    for (int64_t r = 0; r < MR; ++r) {
      for (int64_t c = 0; c < NR; ++c) acc[r * NR + c] += a[r] * b[c];
    }
  }
  store_tile(acc, NR, C, ldc, rows, cols, accumulate);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) void kernel_avx2(int64_t kc, const float* a, const float* b, float* C, int64_t ldc, int64_t rows,
                                                       int64_t cols, bool accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 x = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
  }
  const __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (rows == MR && cols == NR) {
    for (int64_t r = 0; r < MR; ++r) {
      float* row = C + r * ldc;
      __m256 lo = acc[r][0], hi = acc[r][1];
      if (accumulate) lo = _mm256_add_ps(lo, _mm256_loadu_ps(row)), hi = _mm256_add_ps(hi, _mm256_loadu_ps(row + 8));
      _mm256_storeu_ps(row, lo);
      _mm256_storeu_ps(row + 8, hi);
    }
    return;
  }
  alignas(32) float tile[MR * NR];
  for (int64_t r = 0; r < MR; ++r) {
    _mm256_store_ps(tile + r * NR, acc[r][0]);
    _mm256_store_ps(tile + r * NR + 8, acc[r][1]);
  }
  store_tile(tile, NR, C, ldc, rows, cols, accumulate);
}

// 12 x 32 tile in 24 zmm accumulators.
__attribute__((target("avx512f"))) void kernel_avx512(int64_t kc, const float* a, const float* b, float* C, int64_t ldc, int64_t rows,
                                                        int64_t cols, bool accumulate) {
  constexpr int64_t R = 12, W = 32;
  __m512 acc[R][2];
#pragma GCC unroll 12
  for (int64_t r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += R, b += W) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int64_t r = 0; r < R; ++r) {
      const __m512 x = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
    }
  }
  if (rows == R && cols == W) {
#pragma GCC unroll 12
    for (int64_t r = 0; r < R; ++r) {
      float* row = C + r * ldc;
      __m512 lo = acc[r][0], hi = acc[r][1];
      if (accumulate) lo = _mm512_add_ps(lo, _mm512_loadu_ps(row)), hi = _mm512_add_ps(hi, _mm512_loadu_ps(row + 16));
      _mm512_storeu_ps(row, lo);
      _mm512_storeu_ps(row + 16, hi);
    }
    return;
  }
  alignas(64) float tile[R * W];
  for (int64_t r = 0; r < R; ++r) {
    _mm512_store_ps(tile + r * W, acc[r][0]);
    _mm512_store_ps(tile + r * W + 16, acc[r][1]);
  }
  store_tile(tile, W, C, ldc, rows, cols, accumulate);
}

const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
const bool has_avx512 = __builtin_cpu_supports("avx512f");
#else
const bool has_avx2 = false;
const bool has_avx512 = false;
#endif

MicroKernel best_kernel() {
#if defined(__x86_64__)
  if (has_avx512) return {12, 32, kernel_avx512};
  if (has_avx2) return {MR, NR, kernel_avx2};
#endif
  return {MR, NR, kernel_generic};
}

MicroKernel selected = best_kernel();

}  // namespace

bool builtin_select_isa(const std::string& isa) {
#if defined(__x86_64__)
  if (isa == "avx512" && has_avx512) return selected = {12, 32, kernel_avx512}, true;
  if (isa == "avx2" && has_avx2) return selected = {MR, NR, kernel_avx2}, true;
#endif
  if (isa == "generic") return selected = {MR, NR, kernel_generic}, true;
  if (isa == "best") return selected = best_kernel(), true;
  return false;
}

std::string builtin_isa() {
#if defined(__x86_64__)
  if (selected.fn == kernel_avx512) return "avx512";
  if (selected.fn == kernel_avx2) return "avx2";
#endif
  return "generic";
}

void sgemm_builtin(const GemmArgs& g) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) {
    for (int64_t m = 0; m < g.M; ++m) std::fill(g.C + m * g.ldc, g.C + m * g.ldc + g.N, 0.f);
    return;
  }
  const MicroKernel mk = selected;
  thread_local std::vector<float> a_pack, b_pack;
  a_pack.resize(static_cast<size_t>(((MC + MAX_MR - 1) / MAX_MR) * MAX_MR * KC));
  b_pack.resize(static_cast<size_t>(((NC + MAX_NR - 1) / MAX_NR) * MAX_NR * KC));
  for (int64_t jc = 0; jc < g.N; jc += NC) {
    const int64_t nc = std::min(NC, g.N - jc);
    for (int64_t pc = 0; pc < g.K; pc += KC) {
      const int64_t kc = std::min(KC, g.K - pc);
      pack_b(g, mk.nr, jc, nc, pc, kc, b_pack.data());
      for (int64_t ic = 0; ic < g.M; ic += MC) {
        const int64_t mc = std::min(MC, g.M - ic);
        pack_a(g, mk.mr, ic, mc, pc, kc, a_pack.data());
        for (int64_t jr = 0; jr < nc; jr += mk.nr) {
          for (int64_t ir = 0; ir < mc; ir += mk.mr) {
            mk.fn(kc, a_pack.data() + ir * kc, b_pack.data() + jr * kc, g.C + (ic + ir) * g.ldc + jc + jr, g.ldc,
                  std::min(mk.mr, mc - ir), std::min(mk.nr, nc - jr), pc > 0);
          }
        }
      }
    }
  }
}

}  // namespace gb
