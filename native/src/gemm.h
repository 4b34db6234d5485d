// Single-precision matrix multiply, row-major: C[M,N] = op(A)[M,K] * op(B)[K,N] (C is overwritten).
// op(A)[m,k] = transA ? A[k*lda + m] : A[m*lda + k];  op(B)[k,n] = transB ? B[n*ldb + k] : B[k*ldb + n].
#pragma once
#include <cstdint>
#include <string>

namespace gb {

struct GemmArgs {
  bool transA, transB;
  int64_t M, N, K;
  const float* A;
  int64_t lda;
  const float* B;
  int64_t ldb;
  float* C;
  int64_t ldc;
};

// The addon's own cache-blocked sgemm (AVX-512 or AVX2/FMA micro-kernel when the CPU has it), one thread.
void sgemm_builtin(const GemmArgs& g);
// The built-in's micro-kernel: "avx512", "avx2", "generic" or "best"; false if the CPU lacks it.
bool builtin_select_isa(const std::string& isa);
std::string builtin_isa();

// One small product on one thread without packing (batch_matmul_small.cc: AVX-512, for the
// matrices of a batched product); false, computing nothing, when the CPU lacks AVX-512.
bool sgemm_small(const GemmArgs& g);

// One thread, with the selected library (OpenBLAS when linked and not disabled, else built-in).
void sgemm_serial(const GemmArgs& g);

// Splits rows (or columns when there are few rows) of C across the thread pool.
void sgemm_parallel(const GemmArgs& g);

// "openblas 0.3.21" or "built-in (avx512)"; GLASSBOX_BLAS=builtin selects the built-in one at run time.
std::string blas_name();
bool blas_is_openblas();
void blas_select(bool openblas);  // ignored (stays built-in) when OpenBLAS is not linked

}  // namespace gb
