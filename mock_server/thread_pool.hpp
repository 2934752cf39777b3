// The threads engine's workers: a thread per connection, started as
// connections arrive, up to --threads; past that, connections wait in a queue
// and the pool says so, with a log line and the `waited_for_thread` count in
// /stats. A worker serves one connection to its end, then takes the next.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "mock_server/stats.hpp"

namespace inflight::mock {

class connection_pool {
 public:
  // serve(fd, origin, queue_ms): runs on a worker and owns (closes) the
  // descriptor; origin is the client's address as accepted; queue_ms is how
  // long the connection waited for that worker.
  using serve_fn =
      std::function<void(int fd, const std::string& origin, double queue_ms)>;

  connection_pool(int max_threads, request_stats& stats, bool quiet, serve_fn serve)
      : max_threads_(static_cast<std::size_t>(max_threads)),
        stats_(stats),
        quiet_(quiet),
        serve_(std::move(serve)) {}
  ~connection_pool() { shutdown(); }
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  // From the accepting thread: a connection just accepted. False, and the
  // descriptor not taken, when no worker runs and none could be started (the
  // process is out of memory or threads): the caller refuses it.
  bool enqueue(int fd, std::string origin);
  // Connections accepted but not yet taken by a worker. A worker that sees
  // some asks its own client to close after this answer, instead of holding
  // its thread for an idle keep-alive connection while others wait.
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
  bool start_worker();  // with mutex_ held

  std::size_t max_threads_;
  request_stats& stats_;
  bool quiet_;
  serve_fn serve_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<connection> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool saturated_ = false;       // said "all threads busy" for this episode
  bool said_no_thread_ = false;  // said "cannot start a thread", once
  bool shutdown_ = false;
};

}  // namespace inflight::mock
