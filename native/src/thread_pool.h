// A persistent pool of worker threads shared by every kernel. The calling (JS) thread takes part
// in the work, so a pool of T threads starts T-1 workers.
#pragma once
#include <cstddef>
#include <functional>

namespace gb {

// Runs fn(begin, end) over [0, n) split into contiguous chunks of at least `grain` items, one
// chunk per thread at most. Small ranges, and calls made from inside a worker, run inline.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

// Threads used by parallel_for (including the caller). Set by GLASSBOX_THREADS, default = cores.
int num_threads();

}  // namespace gb
