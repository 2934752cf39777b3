// A fixed pool of P worker threads sharing one queue, for CPU work: the twin
// of Python's ProcessPoolExecutor (CPython's GIL lets one thread compute at a
// time, so Python needs processes; C++ threads have no such lock). Results
// come back through futures, or through co_await from the event loop
// (pool_awaiter.hpp).
//
// Chapter 02's fixed_pool runs fetches only (its tasks return a request
// record); this one takes any callable. Leaves out: cancelling queued work,
// work stealing, and pinning threads to cores.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace inflight::ch05 {

class cpu_pool {
 public:
  // Starts `workers` threads at once; they sleep until there is work.
  explicit cpu_pool(std::size_t workers);
  // Shutdown with work pending: every job already queued still runs (no
  // future is left without its value), then the workers stop and are joined.
  ~cpu_pool();
  cpu_pool(const cpu_pool&) = delete;
  cpu_pool& operator=(const cpu_pool&) = delete;

  [[nodiscard]] std::size_t size() const { return workers_.size(); }

  // Queues `job`; a free worker runs it. `job` must not throw: submit and
  // pool_awaiter wrap theirs so that an exception reaches the waiting side.
  void enqueue(std::function<void()> job);

  // Queues `fn`; the future holds its value, or the exception it threw.
  template <typename F>
  std::future<std::invoke_result_t<F&>> submit(F fn);

 private:
  void work(const std::stop_token& stop);

  std::mutex mutex_;                    // guards queue_
  std::condition_variable_any queued_;  // a job was queued, or stop was asked
  std::deque<std::function<void()>> queue_;
  // Last member: the workers start after the queue exists, and are stopped
  // and joined (by ~jthread) before it is destroyed.
  std::vector<std::jthread> workers_;
};

template <typename F>
std::future<std::invoke_result_t<F&>> cpu_pool::submit(F fn) {
  // std::function must be copyable and a packaged_task is not: share it.
  auto job =
      std::make_shared<std::packaged_task<std::invoke_result_t<F&>()>>(std::move(fn));
  auto result = job->get_future();
  enqueue([job] { (*job)(); });
  return result;
}

}  // namespace inflight::ch05
