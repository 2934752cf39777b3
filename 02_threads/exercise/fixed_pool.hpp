// Exercise 02: the fixed pool's interface, a copy of 02_threads/fixed_pool.hpp.
// Keep the public part (pool.cpp and your code use it); the private members
// are the solution's design, and yours to change if your design differs.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/record.hpp"

namespace inflight::ch02 {

class fixed_pool {
 public:
  using task = std::function<harness::request_record()>;

  explicit fixed_pool(std::size_t workers);
  // Workers finish every task already queued, then stop and are joined.
  ~fixed_pool() = default;
  fixed_pool(const fixed_pool&) = delete;
  fixed_pool& operator=(const fixed_pool&) = delete;

  // Queues `job`; a free worker runs it. The future holds its record.
  std::future<harness::request_record> submit(task job);

 private:
  void work(const std::stop_token& stop);

  std::mutex mutex_;                    // guards queue_
  std::condition_variable_any queued_;  // a task was queued, or stop was asked
  std::deque<std::packaged_task<harness::request_record()>> queue_;
  // Last member: the workers start after the queue exists, and are stopped
  // and joined (by ~jthread) before it is destroyed.
  std::vector<std::jthread> workers_;
};

}  // namespace inflight::ch02
