#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
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

// Idle workers keep polling this long after a job before sleeping, so the back-to-back kernels
// of a training step do not each pay a futex wake-up.
constexpr auto kSpinTime = std::chrono::microseconds(200);

// A job is split into chunks claimed through one atomic ticket holding (generation, chunk
// count, next chunk index). A claim is a compare-and-swap on the whole ticket, so a thread can
// only ever claim a real chunk of the current job; the job's other fields stay fixed until
// every claimed chunk has reported done.
struct Ticket {
  static constexpr int kIdxBits = 20, kChunkBits = 20;
  static constexpr uint64_t kMask = (uint64_t{1} << kIdxBits) - 1;
  static uint64_t make(uint64_t gen, uint64_t chunks, uint64_t idx) { return (gen << (kIdxBits + kChunkBits)) | (chunks << kIdxBits) | idx; }
  static uint64_t idx(uint64_t t) { return t & kMask; }
  static uint64_t chunks(uint64_t t) { return (t >> kIdxBits) & kMask; }
  static uint64_t gen(uint64_t t) { return t >> (kIdxBits + kChunkBits); }
};

class Pool {
 public:
  static constexpr size_t kMaxChunks = Ticket::kMask;

  explicit Pool(int threads) : threads_(std::max(1, threads)) {
    // Workers live for the whole process (the pool is never destroyed).
    for (int i = 1; i < threads_; ++i) std::thread([this] { loop(); }).detach();
  }
  int threads() const { return threads_; }

  void run(size_t n, size_t chunks, const std::function<void(size_t, size_t)>& fn) {
    std::lock_guard<std::mutex> job_lock(job_mu_);  // one job at a time
    fn_ = &fn;
    n_ = n;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t gen = Ticket::gen(ticket_.load(std::memory_order_relaxed)) + 1;
    ticket_.store(Ticket::make(gen, chunks, 0), std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lk(sleep_mu_);
      wake_.notify_all();
    }
    while (claim_and_run()) {
    }
    // Wait for chunks other threads are still running; yield so they can be scheduled.
    for (int spins = 0; done_.load(std::memory_order_acquire) < chunks; ++spins) {
      if (spins < 2000) GB_PAUSE();
      else std::this_thread::yield();
    }
  }

 private:
  static bool has_work(uint64_t t) { return Ticket::idx(t) < Ticket::chunks(t); }

  // Claims and runs one chunk of the current job; false when none is left.
  bool claim_and_run() {
    uint64_t t = ticket_.load(std::memory_order_acquire);
    while (has_work(t)) {
      if (ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        const uint64_t c = Ticket::idx(t), chunks = Ticket::chunks(t);
        (*fn_)(c * n_ / chunks, (c + 1) * n_ / chunks);
        done_.fetch_add(1, std::memory_order_release);
        return true;
      }
    }
    return false;
  }

  void loop() {
    in_worker = true;
    for (;;) {
      if (claim_and_run()) continue;
      // Poll for a while (briefly spinning, then yielding the core to any other runnable
      // thread, which matters on a busy machine), then sleep until a job is published.
      const auto until = std::chrono::steady_clock::now() + kSpinTime;
      bool found = false;
      for (int i = 0; !found; ++i) {
        if (i < 256) GB_PAUSE();
        else std::this_thread::yield();
        found = has_work(ticket_.load(std::memory_order_acquire));
        if ((i & 15) == 15 && std::chrono::steady_clock::now() > until) break;
      }
      if (found) continue;
      std::unique_lock<std::mutex> lk(sleep_mu_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      wake_.wait(lk, [&] { return has_work(ticket_.load(std::memory_order_seq_cst)); });
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  int threads_;
  std::mutex job_mu_, sleep_mu_;
  std::condition_variable wake_;
  std::atomic<uint64_t> ticket_{0};
  std::atomic<size_t> done_{0};
  std::atomic<int> sleepers_{0};
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  size_t n_ = 0;
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
  const size_t threads = static_cast<size_t>(p.threads());
  if (threads <= 1 || in_worker || n < 2 * grain) {
    fn(0, n);
    return;
  }
  // A few chunks per thread, so a thread that is descheduled delays only a small piece.
  const size_t chunks = std::min({n / grain, 4 * threads, Pool::kMaxChunks});
  p.run(n, chunks, fn);
}

}  // namespace gb
