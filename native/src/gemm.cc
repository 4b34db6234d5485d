// sgemm dispatch: OpenBLAS (single-threaded per call) or the built-in kernel, and the split of
// one large product across the thread pool.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "thread_pool.h"

#ifdef GLASSBOX_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
extern "C" char* openblas_get_config(void);
#endif

namespace gb {
namespace {

#ifdef GLASSBOX_OPENBLAS
bool init_openblas() {
  // Parallelism comes from our pool (one scheduler for every kernel); OpenBLAS runs one thread
  // per call, so its own spinning threads never compete with ours.
  openblas_set_num_threads(1);
  const char* env = std::getenv("GLASSBOX_BLAS");
  return !(env && std::strcmp(env, "builtin") == 0);
}
bool use_openblas = init_openblas();
#else
bool use_openblas = false;
#endif

}  // namespace

bool blas_is_openblas() { return use_openblas; }

void blas_select(bool openblas) {
#ifdef GLASSBOX_OPENBLAS
  use_openblas = openblas;
#else
  (void)openblas;
#endif
}

std::string blas_name() {
#ifdef GLASSBOX_OPENBLAS
  if (use_openblas) {
    // openblas_get_config() reads like "OpenBLAS 0.3.21 NO_AFFINITY SkylakeX MAX_THREADS=64".
    std::string cfg = openblas_get_config();
    size_t sp = cfg.find(' ');
    size_t end = cfg.find(' ', sp + 1);
    std::string version = sp == std::string::npos ? "" : cfg.substr(sp + 1, end == std::string::npos ? std::string::npos : end - sp - 1);
    return "openblas " + version;
  }
#endif
  return "built-in (" + builtin_isa() + ")";
}

void sgemm_serial(const GemmArgs& g) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) {
    // An empty sum: C = 0 (C may hold garbage from a recycled buffer).
    for (int64_t m = 0; m < g.M; ++m) std::fill(g.C + m * g.ldc, g.C + m * g.ldc + g.N, 0.f);
    return;
  }
#ifdef GLASSBOX_OPENBLAS
  if (use_openblas) {
    cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans, g.transB ? CblasTrans : CblasNoTrans,
                static_cast<int>(g.M), static_cast<int>(g.N), static_cast<int>(g.K), 1.f, g.A,
                static_cast<int>(std::max<int64_t>(g.lda, 1)), g.B, static_cast<int>(std::max<int64_t>(g.ldb, 1)), 0.f, g.C,
                static_cast<int>(g.ldc));
    return;
  }
#endif
  sgemm_builtin(g);
}

void sgemm_parallel(const GemmArgs& g) {
  if (g.M <= 0 || g.N <= 0) return;
  const double flops = 2.0 * g.M * g.N * g.K;
  const int threads = num_threads();
  if (threads <= 1 || flops < 2.0e6) {
    sgemm_serial(g);
    return;
  }
  // Split the longer side of C into blocks (multiples of 16, a micro-kernel width).
  const bool split_rows = g.M >= g.N || g.N < 32;
  const int64_t len = split_rows ? g.M : g.N;
  const int64_t unit = 16;
  const int64_t units = (len + unit - 1) / unit;
  // One block per thread: every extra block would pack the other operand again.
  const size_t grain = static_cast<size_t>(std::max<int64_t>(1, units / threads));
  parallel_for(static_cast<size_t>(units), grain, [&](size_t u0, size_t u1) {
    const int64_t lo = static_cast<int64_t>(u0) * unit;
    const int64_t hi = std::min(len, static_cast<int64_t>(u1) * unit);
    GemmArgs part = g;
    if (split_rows) {
      part.M = hi - lo;
      part.A = g.transA ? g.A + lo : g.A + lo * g.lda;
      part.C = g.C + lo * g.ldc;
    } else {
      part.N = hi - lo;
      part.B = g.transB ? g.B + lo * g.ldb : g.B + lo;
      part.C = g.C + lo;
    }
    sgemm_serial(part);
  });
}

}  // namespace gb
