// The pool: exactly P threads, observed; results through futures and through
// co_await from the event loop; shutdown with work pending loses nothing.
#include "05_cpu_bound/cpu_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <set>
#include <stdexcept>

#include "05_cpu_bound/pool_awaiter.hpp"
#include "05_cpu_bound/workload.hpp"
#include "harness/process_stats.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch05 {
namespace {

using namespace std::chrono_literals;

TEST(cpu_pool, runs_on_exactly_p_threads) {
  const std::size_t p = 3;  // more than this machine's cores would not matter
  // Workaround: ThreadSanitizer starts a thread of its own when the process
  // starts its first; start (and end) one first so that it does not count.
  std::thread{[] {}}.join();
  const int before = harness::live_thread_count();
  cpu_pool pool{p};
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
  for (auto& f : met) EXPECT_TRUE(f.get()) << "P jobs were not running at once";
  EXPECT_EQ(ids.size(), p) << "no more threads than P, and no fewer";
}

TEST(cpu_pool, futures_carry_values_and_exceptions) {
  std::future<std::uint64_t> value;
  std::future<int> error;
  {
    cpu_pool pool{2};
    value = pool.submit([] { return lcg_steps(seed_of(1), 1000); });
    error = pool.submit([]() -> int { throw std::runtime_error("task failed"); });
  }
  // Workaround, read only after the workers are joined: a worker may drop the
  // last reference to the exception after we read it, and ThreadSanitizer
  // cannot see that count (it lives in libstdc++, built without TSan), so it
  // would report a race that is not there.
  EXPECT_EQ(value.get(), lcg_jump(seed_of(1), 1000));
  EXPECT_THROW(
      {
        try {
          error.get();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "task failed");
          throw;
        }
      },
      std::runtime_error);
}

TEST(cpu_pool, shutdown_with_work_pending_runs_it_all_and_returns) {
  std::vector<std::future<std::uint64_t>> futures;
  std::atomic<int> ran{0};
  {
    cpu_pool pool{2};
    for (std::size_t i = 0; i < 50; ++i) {
      futures.push_back(pool.submit([i, &ran] {
        ++ran;
        return lcg_steps(seed_of(i), 100'000);
      }));
    }
  }  // destroyed at once, with most of the 50 still queued
  EXPECT_EQ(ran.load(), 50);
  for (std::size_t i = 0; i < futures.size(); ++i) {
    ASSERT_EQ(futures[i].wait_for(0s), std::future_status::ready) << i;
    EXPECT_EQ(futures[i].get(), lcg_jump(seed_of(i), 100'000)) << i;
  }
}

ch04::task<long> offloaded(cpu_pool& pool, ch04::event_loop& loop, bool fail) {
  const long loop_thread = harness::current_thread_id();
  const auto job = [fail] {  // named: see mixed.cpp
    if (fail) throw std::runtime_error("failed on the pool");
    return harness::current_thread_id();
  };
  const long worker = co_await on_pool(pool, loop, job);
  EXPECT_EQ(harness::current_thread_id(), loop_thread) << "resumed on the loop thread";
  co_return worker;
}

TEST(cpu_pool, co_await_runs_on_a_worker_and_resumes_on_the_loop) {
  const harness::curl_library curl;  // the event loop owns a curl multi handle
  const harness::run_clock clock;
  cpu_pool pool{1};
  ch04::event_loop loop{clock};
  const long worker = loop.run(offloaded(pool, loop, false));
  EXPECT_NE(worker, harness::current_thread_id());
  EXPECT_THROW(loop.run(offloaded(pool, loop, true)), std::runtime_error);
}

}  // namespace
}  // namespace inflight::ch05
