// co_await on chapter 02's pool from the event loop: the job runs on a worker,
// the coroutine resumes on the loop thread with its value or its exception,
// and the loop outlives every worker that posts to it.
// (The pool's own tests are chapter 02's fixed_pool_test.cpp.)
#include "05_cpu_bound/pool_awaiter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <stdexcept>
#include <thread>

#include "harness/process_stats.hpp"
#include "harness/test_support/abandoned.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch05 {
namespace {

using namespace std::chrono_literals;

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
  ch04::event_loop loop{clock};
  ch02::fixed_pool pool{1};  // after the loop: its workers post to the loop
  const long worker = loop.run(offloaded(pool, loop, false));
  EXPECT_NE(worker, harness::current_thread_id());
  EXPECT_THROW(loop.run(offloaded(pool, loop, true)), std::runtime_error);
}

ch04::task<int> wait_on_pool(ch02::fixed_pool& pool, ch04::event_loop& loop,
                             std::latch& started) {
  const auto slow = [&started] {
    started.count_down();
    std::this_thread::sleep_for(100ms);  // still running when the loop throws
    return 1;
  };
  co_return co_await on_pool(pool, loop, slow);
}

// The order of the declarations is the lesson: swap `loop` and `pool` and the
// worker posts into a destroyed loop (AddressSanitizer: heap-use-after-free in
// post(); without it, undefined behaviour that may pass unnoticed).
TEST(pool_awaiter, a_job_still_running_when_the_loop_throws_posts_to_a_live_loop) {
  const harness::curl_library curl;
  const harness::run_clock clock;
  ch04::event_loop loop{clock};
  ch02::fixed_pool pool{1};  // after the loop: ~fixed_pool joins before ~event_loop
  loop.run(offloaded(pool, loop, false));  // one post taken: the loop has used its queue

  std::latch started{1};
  // A loop that fails while the job is on the worker: run() throws, and its
  // task (with the awaiter in its frame) is destroyed, the job still running.
  [[maybe_unused]] const auto failing = loop.call_at(ch04::steady::now(), [&started] {
    started.wait();
    throw std::runtime_error("the loop failed");
  });
  EXPECT_THROW(loop.run(wait_on_pool(pool, loop, started)), std::runtime_error);
}  // ~fixed_pool: the worker finishes, writes its value and posts, then ~event_loop

test_support::abandoned on_pool_then_note(ch02::fixed_pool& pool, ch04::event_loop& loop,
                                          std::latch& started, bool& resumed) {
  const auto slow = [&started] {
    started.count_down();
    std::this_thread::sleep_for(50ms);
    return 1;
  };
  co_await on_pool(pool, loop, slow);
  resumed = true;
}

ch04::task<int> sleep_ms(ch04::event_loop& loop, int ms) {
  co_await loop.sleep_for(std::chrono::milliseconds(ms));
  co_return ms;
}

// The coroutine is destroyed while its job runs, and the loop goes on: the
// job must not post a wake-up for it, nor the loop wait for one.
TEST(pool_awaiter, a_coroutine_destroyed_while_its_job_runs_is_never_resumed) {
  const harness::curl_library curl;
  const harness::run_clock clock;
  ch04::event_loop loop{clock};
  ch02::fixed_pool pool{1};
  std::latch started{1};
  bool resumed = false;
  {
    const test_support::abandoned gone = on_pool_then_note(pool, loop, started, resumed);
    started.wait();  // the job is on the worker
  }
  EXPECT_EQ(loop.run(sleep_ms(loop, 100)), 100);  // the job ends meanwhile
  EXPECT_FALSE(resumed);
  // And one destroyed after its job posted: the wake-up is taken back.
  std::latch done{1};
  {
    const test_support::abandoned gone = on_pool_then_note(pool, loop, done, resumed);
    std::this_thread::sleep_for(150ms);  // the job has ended and posted by now
  }
  EXPECT_EQ(loop.run(sleep_ms(loop, 10)), 10);
  EXPECT_FALSE(resumed);
}

}  // namespace
}  // namespace inflight::ch05
