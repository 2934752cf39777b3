// Lifetimes and misuse, without a server: a coroutine destroyed while it
// waits leaves nothing behind in the loop (no timer, no place in a line, no
// queued wake-up), and the mistakes asyncio refuses are refused here too.
// Run under ASan (the asan preset) and valgrind, a leftover is a use after free.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <utility>

#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/offload.hpp"
#include "04_coroutines/semaphore.hpp"
#include "04_coroutines/task.hpp"
#include "04_coroutines/wait_for.hpp"
#include "harness/test_support/abandoned.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {
namespace {

using std::chrono::milliseconds;

using test_support::abandoned;

class lifetime_test : public ::testing::Test {
 protected:
  harness::curl_library curl;
  harness::run_clock clock;
  event_loop loop{clock};
};

task<int> sleep_ms(event_loop& loop, int ms) {
  co_await loop.sleep_for(milliseconds(ms));
  co_return ms;
}

// Runs the loop for `ms`: long enough for anything left behind to fire.
void turn_for(event_loop& loop, int ms) {
  EXPECT_EQ(loop.run(sleep_ms(loop, ms)), ms);
}

abandoned under_a_timeout(event_loop& loop, std::stop_source& stop) {
  co_await wait_for(loop, std::chrono::duration<double>(0.01), stop, sleep_ms(loop, 500));
}

TEST_F(lifetime_test, a_timeout_goes_with_the_coroutine_that_set_it) {
  std::stop_source stop;
  {  // made and destroyed at once
    const abandoned gone = under_a_timeout(loop, stop);
  }
  turn_for(loop, 50);  // wait_for's timer, if left armed, fires into freed memory
  EXPECT_FALSE(stop.stop_requested()) << "the timer of a destroyed wait_for fired";
}

abandoned asleep_until(event_loop& loop, steady::time_point when, bool& woke) {
  co_await loop.sleep_until(when);
  woke = true;
}

TEST_F(lifetime_test, a_sleep_due_but_not_yet_resumed_is_taken_back) {
  const steady::time_point due = steady::now() + milliseconds(10);
  bool woke = false;
  auto sleeper = std::make_unique<abandoned>(asleep_until(loop, due, woke));
  // Due at the same time, and made later, so it fires second: the sleeper is
  // then scheduled but not yet resumed, and this destroys it.
  const event_loop::timer destroy = loop.call_at(due, [&sleeper] { sleeper.reset(); });
  turn_for(loop, 30);  // the loop must not resume the destroyed frame
  EXPECT_FALSE(woke);
  EXPECT_EQ(sleeper, nullptr);
}

abandoned waits_in_line(semaphore& limit, bool& got) {
  const semaphore::permit permit = co_await limit.acquire();
  got = true;
}

TEST_F(lifetime_test, a_coroutine_destroyed_in_line_leaves_the_line) {
  semaphore limit{loop, 1};
  bool got = false;
  task<int> main = [](semaphore& s, bool& g) -> task<int> {
    const semaphore::permit permit = co_await s.acquire();
    {  // in line, then destroyed
      const abandoned gone = waits_in_line(s, g);
    }
    EXPECT_EQ(s.waiting(), 0U);
    co_return 0;
  }(limit, got);  // giving our permit back must not hand it to the destroyed one
  EXPECT_EQ(loop.run(std::move(main)), 0);
  EXPECT_FALSE(got);
  EXPECT_EQ(limit.available(), 1U);
}

TEST_F(lifetime_test, a_permit_handed_to_a_destroyed_coroutine_goes_to_the_next) {
  semaphore limit{loop, 1};
  bool first = false;
  bool second = false;
  std::unique_ptr<abandoned> waiting;
  task<int> main = [](event_loop& l, semaphore& s, std::unique_ptr<abandoned>& w, bool& a,
                      bool& b) -> task<int> {
    {
      const semaphore::permit permit = co_await s.acquire();
      w = std::make_unique<abandoned>(waits_in_line(s, a));  // in line behind us
    }
    // Our permit went to it: it is scheduled, not yet resumed, and destroyed
    // before it runs.
    w.reset();
    const abandoned next = waits_in_line(s, b);  // the permit must reach this one
    co_await l.sleep_for(milliseconds(5));
    co_return 0;
  }(loop, limit, waiting, first, second);
  EXPECT_EQ(loop.run(std::move(main)), 0);
  EXPECT_FALSE(first);
  EXPECT_TRUE(second) << "the permit of a destroyed waiter was lost";
}

abandoned on_a_worker(event_loop& loop) {
  co_await to_thread(loop, [] {
    std::this_thread::sleep_for(milliseconds(20));
    return 0;
  });
}

TEST_F(lifetime_test, a_coroutine_destroyed_while_its_worker_runs_is_not_resumed) {
  {  // waits for the worker, unposts
    const abandoned gone = on_a_worker(loop);
  }
  turn_for(loop, 30);
}

TEST_F(lifetime_test, run_inside_a_running_loop_is_refused) {
  task<int> nested = [](event_loop& l) -> task<int> {
    try {
      co_return l.run(sleep_ms(l, 1));
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find("already running"), std::string::npos);
      co_return -1;
    }
  }(loop);
  EXPECT_EQ(loop.run(std::move(nested)), -1);
  turn_for(loop, 1);  // refusing it did not break the loop
}

TEST_F(lifetime_test, a_loop_that_failed_refuses_to_run_again) {
  semaphore none{loop, 0};
  bool got = false;
  task<int> stuck = [](semaphore& s, bool& g) -> task<int> {
    const semaphore::permit permit = co_await s.acquire();
    g = true;
    co_return 0;
  }(none, got);
  EXPECT_THROW(loop.run(std::move(stuck)), std::logic_error);  // nothing pending
  EXPECT_THROW(loop.run(sleep_ms(loop, 1)), std::logic_error);
  EXPECT_EQ(none.waiting(), 0U) << "the stuck coroutine was destroyed, and left the line";
}

TEST_F(lifetime_test, a_task_runs_once) {
  task<int> twice = [](event_loop& l) -> task<int> {
    task<int> t = sleep_ms(l, 1);
    const int first = co_await t;
    try {
      co_await t;
    } catch (const std::logic_error&) {
      co_return first;
    }
    co_return -1;
  }(loop);
  EXPECT_EQ(loop.run(std::move(twice)), 1);

  task<int> moved = [](event_loop& l) -> task<int> {
    task<int> t = sleep_ms(l, 1);
    task<int> owner = std::move(t);
    bool refused = false;
    try {
      co_await t;  // NOLINT(bugprone-use-after-move): the mistake under test
    } catch (const std::logic_error&) {
      refused = true;
    }
    co_return refused ? co_await owner : -1;
  }(loop);
  EXPECT_EQ(loop.run(std::move(moved)), 1);
}

TEST_F(lifetime_test, huge_and_odd_durations_neither_overflow_nor_hang) {
  EXPECT_EQ(deadline_after(steady::duration::max()), steady::time_point::max());
  const steady::time_point before = steady::now();
  const steady::time_point past = deadline_after(steady::duration::min());
  EXPECT_GE(past, before) << "a negative duration means now, not long ago";
  EXPECT_LE(past, steady::now());
  EXPECT_EQ(to_steady(std::chrono::duration<double>(1e300)), steady::duration::max());
  EXPECT_EQ(to_steady(std::chrono::duration<double>(-1)), steady::duration::zero());
  EXPECT_EQ(
      to_steady(std::chrono::duration<double>(-std::numeric_limits<double>::infinity())),
      steady::duration::zero());
  EXPECT_THROW(to_steady(std::chrono::duration<double>(std::nan(""))),
               std::invalid_argument);

  // A sleep "forever" is due never: not at once, as now + max overflowing
  // into the past would make it.
  bool woke = false;
  {
    const abandoned forever =
        asleep_until(loop, deadline_after(steady::duration::max()), woke);
    turn_for(loop, 10);
  }
  EXPECT_FALSE(woke);
  {
    const abandoned forever = [](event_loop& l, bool& w) -> abandoned {
      co_await l.sleep_for(steady::duration::max());
      w = true;
    }(loop, woke);
    turn_for(loop, 10);
  }
  EXPECT_FALSE(woke);
}

TEST_F(lifetime_test, a_post_nobody_announced_is_a_bug_that_is_named) {
  task<int> main = [](event_loop& l) -> task<int> {
    co_await l.sleep_for(milliseconds(1));
    co_return 0;
  }(loop);
  loop.post(std::noop_coroutine());  // no expect_post(): the loop would miscount
  EXPECT_THROW(loop.run(std::move(main)), std::logic_error);
}

}  // namespace
}  // namespace inflight::ch04
