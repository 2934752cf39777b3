// cpp-httplib's task queue, replaced: its own pool has a fixed size (8 threads
// by default in Debian's build) and queues silently beyond it. This one starts
// a thread per connection up to --threads, and past that says so: a log line
// and the `waited_for_thread` count in /stats.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <httplib.h>

#include "mock_server/stats.hpp"

namespace inflight::mock {

class growing_thread_pool final : public httplib::TaskQueue {
 public:
  growing_thread_pool(int max_threads, request_stats& stats, bool quiet)
      : max_threads_(static_cast<std::size_t>(max_threads)),
        stats_(stats),
        quiet_(quiet) {}

  // Called by httplib's accept loop with the job for one new connection.
  void enqueue(std::function<void()> job) override;
  void shutdown() override;

  // On a worker: how long the current connection waited for it, once per
  // connection (its first request); empty afterwards.
  static std::optional<double> take_queue_ms();

 private:
  using clock = std::chrono::steady_clock;
  struct connection {
    std::function<void()> job;
    clock::time_point accepted;
  };
  void work();

  std::size_t max_threads_;
  request_stats& stats_;
  bool quiet_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<connection> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool saturated_ = false;  // said "all threads busy" for this episode
  bool shutdown_ = false;
};

}  // namespace inflight::mock
