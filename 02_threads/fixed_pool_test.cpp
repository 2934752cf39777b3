// The pool on its own, with jobs of any type: exactly P threads, observed;
// values and exceptions through futures; shutdown with work pending loses
// nothing. (threads_test.cpp runs it on fetches.)
#include "02_threads/fixed_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include "harness/process_stats.hpp"

namespace inflight::ch02 {
namespace {

using namespace std::chrono_literals;

TEST(fixed_pool, runs_on_exactly_p_threads) {
  const std::size_t p = 3;  // more than this machine's cores would not matter
  // Workaround: ThreadSanitizer starts a thread of its own when the process
  // starts its first; start (and end) one first so that it does not count.
  std::thread{[] {}}.join();
  const int before = harness::live_thread_count();
  fixed_pool pool{p};
  EXPECT_EQ(harness::live_thread_count() - before, static_cast<int>(p))
      << "the kernel's own count of the process's threads";

  // P jobs that each wait until all P have started: only P threads running at
  // once can get them all past the latch.
  std::latch all_started{static_cast<std::ptrdiff_t>(p)};
  std::mutex mutex;
  std::set<long> ids;
  std::vector<std::future<bool>> met;
  for (std::size_t i = 0; i < 4 * p; ++i) {
    met.push_back(pool.submit([&, i] {
      {
        const std::lock_guard lock{mutex};
        ids.insert(harness::current_thread_id());
      }
      if (i >= p) return true;
      all_started.count_down();
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (!all_started.try_wait()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
      }
      return true;
    }));
  }
  for (auto& f : met)
    EXPECT_TRUE(f.get()) << "P jobs were not running at once: does a worker run its job "
                            "while it still holds the queue's lock? Take the job off the "
                            "queue under the lock, then unlock, then run it";
  EXPECT_EQ(ids.size(), p) << "no more threads than P, and no fewer";
}

TEST(fixed_pool, futures_carry_values_and_exceptions) {
  std::future<std::string> value;
  std::future<int> error;
  {
    fixed_pool pool{2};
    value = pool.submit([] { return std::string{"done"}; });
    error = pool.submit([]() -> int { throw std::runtime_error("job failed"); });
  }
  // Workaround, read only after the workers are joined: a worker may drop the
  // last reference to the exception after we read it, and ThreadSanitizer
  // cannot see that count (it lives in libstdc++, built without TSan), so it
  // would report a race that is not there.
  EXPECT_EQ(value.get(), "done");
  EXPECT_THROW(
      {
        try {
          error.get();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "job failed");
          throw;
        }
      },
      std::runtime_error);
}

TEST(fixed_pool, shutdown_with_work_pending_runs_it_all_and_returns) {
  std::vector<std::future<std::size_t>> futures;
  std::atomic<int> ran{0};
  {
    fixed_pool pool{2};
    for (std::size_t i = 0; i < 50; ++i) {
      futures.push_back(pool.submit([i, &ran] {
        std::this_thread::sleep_for(1ms);
        ++ran;
        return i * i;
      }));
    }
  }  // destroyed at once, with most of the 50 still queued
  EXPECT_EQ(ran.load(), 50);
  for (std::size_t i = 0; i < futures.size(); ++i) {
    ASSERT_EQ(futures[i].wait_for(0s), std::future_status::ready) << i;
    EXPECT_EQ(futures[i].get(), i * i) << i;
  }
}

}  // namespace
}  // namespace inflight::ch02
