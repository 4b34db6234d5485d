// Batched matrix multiply with an optional fused bias and activation (tfjs BatchMatMul and
// _FusedMatMul). Layouts, row-major:
//   a: batch of [M,K] matrices ([K,M] when transA), b: [K,N] ([N,K] when transB), out: [batch,M,N].
// Batch dims broadcast: matrix i of a starts at sum_d idx_d(i) * aStrides[d] (stride 0 = broadcast).
#include <algorithm>
#include <vector>

#include "activation.h"
#include "args.h"
#include "gemm.h"
#include "kernels.h"
#include "thread_pool.h"

namespace gb {
namespace {

// Bias (length 1: scalar, length N: one per column) then the activation, on rows of one result.
void epilogue(float* C, int64_t rows, int64_t N, const float* bias, int64_t bias_len, int act, float alpha) {
  if (bias) {
    for (int64_t r = 0; r < rows; ++r) {
      float* row = C + r * N;
      if (bias_len == 1) {
        const float v = bias[0];
        for (int64_t c = 0; c < N; ++c) row[c] += v;
      } else {
        for (int64_t c = 0; c < N; ++c) row[c] += bias[c];
      }
    }
  }
  if (act != kLinear) apply_activation(C, rows * N, act, alpha);
}

// Start offset of every matrix of the batch, from the broadcast batch shape and strides.
std::vector<int64_t> batch_offsets(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  const int64_t batch = product(shape);
  std::vector<int64_t> offs(static_cast<size_t>(batch));
  std::vector<int64_t> idx(shape.size(), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < batch; ++i) {
    offs[static_cast<size_t>(i)] = off;
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) {
        off += strides[d];
        break;
      }
      off -= strides[d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
  return offs;
}

// Largest offset the strides can reach inside the batch shape.
int64_t max_offset(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  int64_t m = 0;
  for (size_t d = 0; d < shape.size(); ++d) m += (shape[d] - 1) * strides[d];
  return m;
}

// One matrix of a batch of small products, on this thread: the unpacked AVX-512 kernel where it
// beats the library (every case except transB with OpenBLAS, whose packing transposes B at no
// extra cost), else sgemm_serial. The kernel counts as built-in AVX-512, so selecting another
// built-in micro-kernel (tests, benchmarks) turns it off.
void small_product(const GemmArgs& g) {
  const bool openblas = blas_is_openblas();
  if ((openblas ? !g.transB : builtin_isa() == "avx512") && sgemm_small(g)) return;
  sgemm_serial(g);
}

}  // namespace

// batchMatMul(a, b, out, batchShape, aStrides, bStrides, M, N, K, transA, transB, bias|null, act, alpha)
Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  F32 a = f32_arg(info, 0, "a"), b = f32_arg(info, 1, "b"), out = f32_arg(info, 2, "out");
  std::vector<int64_t> shape = dims_arg(info, 3, "batchShape");
  std::vector<int64_t> as = dims_arg(info, 4, "aStrides"), bs = dims_arg(info, 5, "bStrides");
  const int64_t M = int_arg(info, 6, "M", 0, INT32_MAX), N = int_arg(info, 7, "N", 0, INT32_MAX), K = int_arg(info, 8, "K", 0, INT32_MAX);
  const bool ta = bool_arg(info, 9, "transA"), tb = bool_arg(info, 10, "transB");
  F32 bias{nullptr, 0};
  if (!is_null(info, 11)) bias = f32_arg(info, 11, "bias");
  const int act = static_cast<int>(int_arg(info, 12, "activation", 0, kActivationCount - 1));
  const float alpha = static_cast<float>(num_arg(info, 13, "alpha"));

  require(as.size() == shape.size() && bs.size() == shape.size(), info, "batchMatMul: stride ranks differ from the batch rank");
  const int64_t batch = product(shape);
  require(static_cast<int64_t>(out.size) == batch * M * N, info, "batchMatMul: out has the wrong size");
  if (batch == 0 || M == 0 || N == 0) return info.Env().Undefined();
  require(max_offset(shape, as) + M * K <= static_cast<int64_t>(a.size), info, "batchMatMul: a is too small for its shape");
  require(max_offset(shape, bs) + K * N <= static_cast<int64_t>(b.size), info, "batchMatMul: b is too small for its shape");
  require(!bias.data || bias.size == 1 || static_cast<int64_t>(bias.size) == N, info, "batchMatMul: bias must have 1 or N values");

  const std::vector<int64_t> ao = batch_offsets(shape, as), bo = batch_offsets(shape, bs);
  auto gemm_args = [&](int64_t i) {
    return GemmArgs{ta, tb, M, N, K, a.data + ao[i], ta ? M : K, b.data + bo[i], tb ? K : N, out.data + i * M * N, N};
  };
  const double flops = 2.0 * M * N * K;
  if (batch == 1 || flops >= 4.0e6) {
    // Large products: each one is split across the pool, then its epilogue runs split by rows.
    for (int64_t i = 0; i < batch; ++i) {
      sgemm_parallel(gemm_args(i));
      if (bias.data || act != kLinear) {
        float* C = out.data + i * M * N;
        parallel_for(static_cast<size_t>(M), static_cast<size_t>(std::max<int64_t>(1, 16384 / std::max<int64_t>(N, 1))), [&](size_t r0, size_t r1) {
          epilogue(C + r0 * N, static_cast<int64_t>(r1 - r0), N, bias.data, static_cast<int64_t>(bias.size), act, alpha);
        });
      }
    }
  } else {
    // Many small products: whole matrices are shared out between threads.
    const size_t grain = static_cast<size_t>(std::max(1.0, 2.0e5 / std::max(flops, 1.0)));
    parallel_for(static_cast<size_t>(batch), grain, [&](size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; ++i) {
        small_product(gemm_args(static_cast<int64_t>(i)));
        epilogue(out.data + i * M * N, M, N, bias.data, static_cast<int64_t>(bias.size), act, alpha);
      }
    });
  }
  return info.Env().Undefined();
}

}  // namespace gb
