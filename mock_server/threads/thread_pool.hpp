// The threads engine's workers: a thread per connection, started as
// connections arrive, up to --threads; past that, connections wait in a queue
// and the pool says so, with a log line and the `waited_for_thread` count in
// /stats. A worker serves one connection to its end, then takes the next.
//
// Threads are started by a thread of the pool's own, never by the accepting
// thread: starting one takes tens of microseconds, far longer under a
// sanitizer, and an acceptor busy starting threads lets a burst of connections
// overflow the kernel's accept queue (the client is reset, or retries a second
// later). The acceptor only queues, so the kernel's queue drains at accept speed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mock_server/core/stats.hpp"

namespace inflight::mock {

class connection_pool {
 public:
  // serve(fd, origin, queue_ms): runs on a worker and owns (closes) the
  // descriptor; origin is the client's address as accepted; queue_ms is how
  // long the connection waited for that worker.
  using serve_fn =
      std::function<void(int fd, const std::string& origin, double queue_ms)>;

  // Starts the first worker and the starter; throws std::system_error when
  // the process cannot start them, so that a server that could never answer
  // does not start.
  connection_pool(int max_threads, request_stats& stats, bool quiet, serve_fn serve);
  ~connection_pool() { shutdown(); }
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  // From the accepting thread: a connection just accepted, served by an idle
  // worker, a worker the starter is about to start, or the first to be free.
  void enqueue(int fd, std::string origin);
  // Connections accepted that no worker will take: not an idle one, not one
  // starting, not one the pool may still start. A worker that sees some asks
  // its own client to close after this answer, instead of holding its thread
  // for an idle keep-alive connection while others wait.
  [[nodiscard]] bool others_waiting() const;
  // Lets the workers finish what is queued (the engine has raised its stop,
  // so that is quick), then joins them. Idempotent.
  void shutdown();

 private:
  using clock = std::chrono::steady_clock;
  struct connection {
    int fd;
    std::string origin;
    clock::time_point accepted;
  };
  void work();
  void start_workers();                  // the starter thread's loop
  [[nodiscard]] bool unserved() const {  // with mutex_ held
    return queue_.size() > idle_ + starting_;
  }
  // Unserved even by the workers the pool may still start: these wait for a
  // running one to be free. With mutex_ held.
  [[nodiscard]] bool past_the_pool() const {
    return queue_.size() > idle_ + starting_ + (max_threads_ - workers_);
  }

  std::size_t max_threads_;
  request_stats& stats_;
  bool quiet_;
  serve_fn serve_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;   // workers wait here for a connection
  std::condition_variable wanted_;  // the starter waits here for unserved ones
  std::deque<connection> queue_;
  std::size_t workers_ = 0;   // started, under mutex_
  std::size_t idle_ = 0;      // waiting on ready_
  std::size_t starting_ = 0;  // started, not yet waiting or serving
  bool saturated_ = false;    // said "all threads busy" for this episode
  bool shutdown_ = false;
  // Touched only by the thread that constructs the pool, the starter, and
  // shutdown() once the starter has ended: no lock.
  std::vector<std::thread> threads_;
  bool said_no_thread_ = false;  // said "cannot start a thread", once
  std::thread starter_;          // last: it uses everything above
};

}  // namespace inflight::mock
