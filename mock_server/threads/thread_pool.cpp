#include "mock_server/threads/thread_pool.hpp"

#include <cstdio>
#include <exception>

namespace inflight::mock {

connection_pool::connection_pool(int max_threads, request_stats& stats, bool quiet,
                                 serve_fn serve)
    : max_threads_(static_cast<std::size_t>(max_threads)),
      stats_(stats),
      quiet_(quiet),
      serve_(std::move(serve)) {
  // One worker before any connection: a pool that could start none would
  // queue connections that nobody ever serves.
  workers_ = starting_ = 1;  // before it runs: it counts itself as started
  threads_.emplace_back([this] { work(); });
  stats_.set_worker_threads(1);
  try {
    starter_ = std::thread([this] { start_workers(); });
  } catch (...) {
    shutdown();  // joins the worker: a joinable std::thread must not be destroyed
    throw;
  }
}

void connection_pool::enqueue(int fd, std::string origin) {
  std::unique_lock lock(mutex_);
  queue_.push_back({fd, std::move(origin), clock::now()});
  if (!unserved()) {
    lock.unlock();
    ready_.notify_one();  // an idle (or starting) worker takes it
    return;
  }
  // Workers the starter has yet to start, each for one of the unserved.
  if (!past_the_pool()) {
    lock.unlock();
    wanted_.notify_one();
    return;
  }
  stats_.note_waited_for_thread();
  if (!saturated_ && !quiet_)
    std::fprintf(stderr,
                 "mock_server: all %zu threads are busy; new connections wait in a "
                 "queue (raise --threads, or use --engine events)\n",
                 max_threads_);
  saturated_ = true;
}

void connection_pool::start_workers() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wanted_.wait(lock,
                 [this] { return shutdown_ || (unserved() && workers_ < max_threads_); });
    if (shutdown_) return;
    ++workers_;
    ++starting_;
    // Unlocked while the thread starts: the acceptor keeps queueing, and
    // the workers keep taking connections.
    lock.unlock();
    bool started = false;
    try {
      threads_.emplace_back([this] { work(); });
      started = true;
    } catch (const std::exception& e) {  // std::system_error; std::bad_alloc
      // The process's memory or thread limit (e.g. --threads 100000 under
      // `ulimit -v`): connections wait for the running workers instead.
      if (!said_no_thread_ && !quiet_)
        std::fprintf(stderr,
                     "mock_server: cannot start thread %zu: %s; connections wait for "
                     "the running ones (lower --threads). Said once.\n",
                     threads_.size() + 1, e.what());
      said_no_thread_ = true;
    }
    lock.lock();
    if (started) {
      stats_.set_worker_threads(static_cast<int>(workers_));
    } else {
      --workers_;
      --starting_;
      max_threads_ = workers_;  // stop trying: this many is what the process allows
    }
  }
}

bool connection_pool::others_waiting() const {
  const std::scoped_lock lock(mutex_);
  return past_the_pool();
}

void connection_pool::work() {
  std::unique_lock lock(mutex_);
  --starting_;
  for (;;) {
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
    lock.lock();
  }
}

void connection_pool::shutdown() {
  {
    const std::scoped_lock lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
  }
  wanted_.notify_all();
  if (starter_.joinable()) starter_.join();  // no thread starts after this
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

}  // namespace inflight::mock
