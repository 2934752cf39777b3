// co_await on chapter 02's pool from the event loop: the job runs on a worker,
// the coroutine resumes on the loop thread with its value or its exception.
// (The pool's own tests are chapter 02's fixed_pool_test.cpp.)
#include "05_cpu_bound/pool_awaiter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "harness/process_stats.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch05 {
namespace {

ch04::task<long> offloaded(ch02::fixed_pool& pool, ch04::event_loop& loop, bool fail) {
  const long loop_thread = harness::current_thread_id();
  const auto job = [fail] {  // named: see mixed.cpp
    if (fail) throw std::runtime_error("failed on the pool");
    return harness::current_thread_id();
  };
  const long worker = co_await on_pool(pool, loop, job);
  EXPECT_EQ(harness::current_thread_id(), loop_thread) << "resumed on the loop thread";
  co_return worker;
}

TEST(pool_awaiter, co_await_runs_on_a_worker_and_resumes_on_the_loop) {
  const harness::curl_library curl;  // the event loop owns a curl multi handle
  const harness::run_clock clock;
  ch02::fixed_pool pool{1};
  ch04::event_loop loop{clock};
  const long worker = loop.run(offloaded(pool, loop, false));
  EXPECT_NE(worker, harness::current_thread_id());
  EXPECT_THROW(loop.run(offloaded(pool, loop, true)), std::runtime_error);
}

}  // namespace
}  // namespace inflight::ch05
