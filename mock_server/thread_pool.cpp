#include "mock_server/thread_pool.hpp"

#include <cstdio>
#include <exception>

namespace inflight::mock {

bool connection_pool::enqueue(int fd, std::string origin) {
  std::unique_lock lock(mutex_);
  queue_.push_back({fd, std::move(origin), clock::now()});
  if (queue_.size() > idle_) {
    if (threads_.size() < max_threads_ && start_worker()) {
      stats_.set_worker_threads(static_cast<int>(threads_.size()));
    } else if (threads_.empty()) {
      queue_.pop_back();  // nobody would ever serve it
      return false;
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
  return true;
}

// False when the process cannot start another thread (its memory or its
// thread limit, e.g. --threads 100000 under `ulimit -v`): std::thread throws
// std::system_error, which would otherwise end the process.
bool connection_pool::start_worker() {
  try {
    threads_.emplace_back([this] { work(); });
    return true;
  } catch (const std::exception& e) {  // std::system_error; std::bad_alloc
    if (!said_no_thread_ && !quiet_)
      std::fprintf(stderr,
                   "mock_server: cannot start thread %zu: %s; connections wait for the "
                   "running ones (lower --threads). Said once.\n",
                   threads_.size() + 1, e.what());
    said_no_thread_ = true;
    return false;
  }
}

bool connection_pool::others_waiting() const {
  const std::scoped_lock lock(mutex_);
  return queue_.size() > idle_;
}

void connection_pool::work() {
  for (;;) {
    std::unique_lock lock(mutex_);
    ++idle_;
    if (queue_.empty()) saturated_ = false;  // caught up: the episode is over
    ready_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // shutting down with nothing left to serve
    const auto next = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const std::chrono::duration<double, std::milli> waited = clock::now() - next.accepted;
    serve_(next.fd, next.origin,
           waited.count());  // the whole connection, keep-alive included
  }
}

void connection_pool::shutdown() {
  {
    const std::scoped_lock lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

}  // namespace inflight::mock
