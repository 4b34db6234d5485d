#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GB_PAUSE() _mm_pause()
#else
#define GB_PAUSE() std::this_thread::yield()
#endif

namespace gb {
namespace {

thread_local bool in_worker = false;

// Workers spin this many pause-iterations (roughly 100-200 us) after a job before sleeping, so
// back-to-back kernels of a training step do not pay a futex wake-up each time.
constexpr int kSpinIterations = 40000;

class Pool {
 public:
  explicit Pool(int threads) : threads_(std::max(1, threads)) {
    // Workers live for the whole process (the pool is never destroyed).
    for (int i = 1; i < threads_; ++i) workers_.emplace_back([this] { loop(); }).detach();
  }
  int threads() const { return threads_; }

  void run(size_t n, size_t chunks, const std::function<void(size_t, size_t)>& fn) {
    std::lock_guard<std::mutex> job_lock(job_mu_);  // one job at a time
    fn_ = &fn;
    n_ = n;
    chunks_ = chunks;
    next_.store(0, std::memory_order_relaxed);
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(mu_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    work();
    while (pending_.load(std::memory_order_acquire) > 0) GB_PAUSE();
  }

 private:
  // Claims chunks until none are left. Chunk c covers [c*n/chunks, (c+1)*n/chunks).
  void work() {
    for (;;) {
      size_t c = next_.fetch_add(1, std::memory_order_relaxed);
      if (c >= chunks_) return;
      (*fn_)(c * n_ / chunks_, (c + 1) * n_ / chunks_);
    }
  }

  void loop() {
    in_worker = true;
    uint64_t seen = 0;
    for (;;) {
      uint64_t g = generation_.load(std::memory_order_acquire);
      for (int i = 0; g == seen && i < kSpinIterations; ++i) {
        GB_PAUSE();
        g = generation_.load(std::memory_order_acquire);
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      work();
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  int threads_;
  std::vector<std::thread> workers_;
  std::mutex job_mu_, mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<size_t> next_{0};
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  size_t n_ = 0, chunks_ = 0;
};

int configured_threads() {
  if (const char* env = std::getenv("GLASSBOX_THREADS")) {
    int t = std::atoi(env);
    if (t > 0) return std::min(t, 256);
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

Pool& pool() {
  // Intentionally leaked: its detached workers run until the process exits.
  static Pool* p = new Pool(configured_threads());
  return *p;
}

}  // namespace

int num_threads() { return pool().threads(); }

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  grain = std::max<size_t>(grain, 1);
  Pool& p = pool();
  size_t chunks = std::min<size_t>(static_cast<size_t>(p.threads()), n / grain);
  if (chunks <= 1 || in_worker) {
    fn(0, n);
    return;
  }
  p.run(n, chunks, fn);
}

}  // namespace gb
