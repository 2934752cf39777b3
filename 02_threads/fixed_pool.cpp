// The pool's workers: wait for a job, run it, repeat until asked to stop and
// the queue is empty.
#include "02_threads/fixed_pool.hpp"

namespace inflight::ch02 {

// [exercise:pool_constructor]
fixed_pool::fixed_pool(std::size_t workers) {
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    workers_.emplace_back([this](const std::stop_token& stop) { work(stop); });
  }
}
// [/exercise]

// [exercise:enqueue]
void fixed_pool::enqueue(std::function<void()> job) {
  {
    const std::lock_guard lock{mutex_};
    queue_.push_back(std::move(job));
  }
  queued_.notify_one();  // after unlocking: the woken worker can take the lock
}
// [/exercise]

// [snippet:worker]
// [exercise:work]
void fixed_pool::work(const std::stop_token& stop) {
  for (;;) {
    std::function<void()> next;
    {
      std::unique_lock lock{mutex_};
      // Sleeps until there is a job or stop is asked. False means stop was
      // asked and the queue is empty: only then is a worker's job done.
      if (!queued_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next();  // outside the lock: the other workers keep taking jobs meanwhile
  }
}
// [/exercise]
// [/snippet]

}  // namespace inflight::ch02
