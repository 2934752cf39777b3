// The pool's workers: wait for a task, run it, repeat until asked to stop.
#include "02_threads/fixed_pool.hpp"

namespace inflight::ch02 {

fixed_pool::fixed_pool(std::size_t workers) {
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    workers_.emplace_back([this](const std::stop_token& stop) { work(stop); });
  }
}

std::future<harness::request_record> fixed_pool::submit(task job) {
  std::packaged_task<harness::request_record()> packaged{std::move(job)};
  std::future<harness::request_record> result = packaged.get_future();
  {
    const std::lock_guard lock{mutex_};
    queue_.push_back(std::move(packaged));
  }
  queued_.notify_one();
  return result;
}

void fixed_pool::work(const std::stop_token& stop) {
  for (;;) {
    std::packaged_task<harness::request_record()> next;
    {
      std::unique_lock lock{mutex_};
      // Sleeps until there is a task or stop is asked; false means stop was
      // asked and the queue is empty, so the worker's job is done.
      if (!queued_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next();  // outside the lock: the other workers keep taking tasks meanwhile
  }
}

}  // namespace inflight::ch02
