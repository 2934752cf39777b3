// A fixed pool of worker threads taking jobs from one queue: the twin of
// Python's ThreadPoolExecutor(max_workers=P). Any callable is a job, and its
// value comes back through a std::future; this chapter submits fetches, chapter
// 05 computations. A real pool would also let a caller cancel queued jobs.
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

namespace inflight::ch02 {

class fixed_pool {
 public:
  explicit fixed_pool(std::size_t workers);
  // Workers finish every job already queued, then stop and are joined: no
  // future is left without its value.
  ~fixed_pool() = default;
  fixed_pool(const fixed_pool&) = delete;
  fixed_pool& operator=(const fixed_pool&) = delete;

  // Queues `fn`; a free worker runs it. The future holds what `fn` returns,
  // or the exception it threw.
  template <typename F>
  std::future<std::invoke_result_t<F&>> submit(F fn);

  // Queues `job` as it is, with no future: submit is built on it, and so is a
  // caller that hands the result back its own way (chapter 05's co_await).
  // `job` must not throw: an exception leaving a worker ends the program.
  void enqueue(std::function<void()> job);

 private:
  void work(const std::stop_token& stop);

  std::mutex mutex_;                    // guards queue_
  std::condition_variable_any queued_;  // a job was queued, or stop was asked
  std::deque<std::function<void()>> queue_;
  // Last member: the workers start after the queue exists, and are stopped
  // and joined (by ~jthread) before it is destroyed.
  std::vector<std::jthread> workers_;
};

// [snippet:submit]
// [exercise:submit]
template <typename F>
std::future<std::invoke_result_t<F&>> fixed_pool::submit(F fn) {
  using result = std::invoke_result_t<F&>;
  // The packaged_task runs `fn` and keeps its value (or exception) for the
  // future. A std::function must be copyable and a packaged_task is not, so
  // the queued job holds it through a shared_ptr.
  auto task = std::make_shared<std::packaged_task<result()>>(std::move(fn));
  std::future<result> future = task->get_future();
  enqueue([task] { (*task)(); });
  return future;
}
// [/exercise]
// [/snippet]

}  // namespace inflight::ch02
