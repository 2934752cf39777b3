#include "mock_server/thread_pool.hpp"

#include <cstdio>

namespace inflight::mock {
namespace {
thread_local std::optional<std::chrono::steady_clock::time_point> accepted_at;
}

void growing_thread_pool::enqueue(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  queue_.push_back({std::move(job), clock::now()});
  if (queue_.size() > idle_) {
    if (threads_.size() < max_threads_) {
      threads_.emplace_back([this] { work(); });
      stats_.set_worker_threads(static_cast<int>(threads_.size()));
    } else {
      stats_.note_waited_for_thread();
      if (!saturated_ && !quiet_)
        std::fprintf(stderr,
                     "mock_server: all %zu threads are busy; new connections wait in a "
                     "queue (raise --threads, or use --engine events)\n",
                     max_threads_);
      saturated_ = true;
    }
  }
  lock.unlock();
  ready_.notify_one();
}

void growing_thread_pool::work() {
  for (;;) {
    std::unique_lock lock(mutex_);
    ++idle_;
    if (queue_.empty()) saturated_ = false;  // caught up: the episode is over
    ready_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // shutting down with nothing left to serve
    auto next = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    accepted_at = next.accepted;
    next.job();  // serves the connection, keep-alive requests included
  }
}

void growing_thread_pool::shutdown() {
  {
    const std::scoped_lock lock(mutex_);
    shutdown_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

std::optional<double> growing_thread_pool::take_queue_ms() {
  if (!accepted_at) return std::nullopt;
  const std::chrono::duration<double, std::milli> waited = clock::now() - *accepted_at;
  accepted_at.reset();
  return waited.count();
}

}  // namespace inflight::mock
