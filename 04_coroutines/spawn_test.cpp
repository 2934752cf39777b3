// create_task and as_completed, on the loop without a server: an eager start,
// other work before the await, exceptions at the await, and outcomes in the
// order the tasks end. Orders are checked, never durations.
#include "04_coroutines/spawn.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "04_coroutines/as_completed.hpp"
#include "04_coroutines/event_loop.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {
namespace {

using std::chrono::milliseconds;

class spawn_test : public ::testing::Test {
 protected:
  harness::curl_library curl;
  harness::run_clock clock;
  event_loop loop{clock};
  std::vector<std::string> log;  // what happened, in order; outlives every task
};

task<int> nap(event_loop& loop, std::vector<std::string>& log, std::string name, int ms,
              int value) {
  log.push_back(name + " started");
  co_await loop.sleep_for(milliseconds(ms));
  log.push_back(name + " ended");
  co_return value;
}

task<int> fail_after(event_loop& loop, int ms) {
  co_await loop.sleep_for(milliseconds(ms));
  throw std::runtime_error("no answer");
}

task<int> at_once(int value) {
  co_return value;
}

task<int> spawn_then_work(event_loop& loop, std::vector<std::string>& log) {
  spawned<int> fetch = create_task(nap(loop, log, "spawned", 20, 7));
  log.push_back("parent goes on");  // the task already started, and waits
  co_await loop.sleep_for(milliseconds(5));
  log.push_back("parent did other work");
  const int value = co_await fetch;
  log.push_back("parent got " + std::to_string(value));
  co_return value;
}

TEST_F(spawn_test, create_task_starts_at_once_and_is_awaited_later) {
  EXPECT_EQ(loop.run(spawn_then_work(loop, log)), 7);
  EXPECT_EQ(log, (std::vector<std::string>{"spawned started", "parent goes on",
                                           "parent did other work", "spawned ended",
                                           "parent got 7"}))
      << "create_task must run the task up to its first wait before returning, and "
         "the parent must run meanwhile";
}

task<int> await_after_it_ended(event_loop& loop) {
  spawned<int> quick = create_task(at_once(3));  // ends inside create_task
  spawned<int> failing = create_task(fail_after(loop, 1));
  co_await loop.sleep_for(milliseconds(10));  // both have ended by now
  int value = co_await quick;                 // no suspension: the value is there
  try {
    value += co_await failing;
  } catch (const std::runtime_error&) {  // the task's exception, at the await
    value += 100;
  }
  co_return value;
}

TEST_F(spawn_test, an_ended_task_gives_its_value_or_its_exception_at_the_await) {
  EXPECT_EQ(loop.run(await_after_it_ended(loop)), 103);
}

task<int> await_twice() {
  spawned<int> quick = create_task(at_once(1));
  const int first = co_await quick;
  co_return first + co_await quick;  // its value was handed out already
}

TEST_F(spawn_test, awaiting_a_spawned_task_twice_is_an_error_not_a_stale_value) {
  EXPECT_THROW(loop.run(await_twice()), std::logic_error);
}

task<std::vector<std::size_t>> drain(event_loop& loop, std::vector<std::string>& log,
                                     std::vector<int>& values, std::string& error) {
  std::vector<task<int>> tasks;
  tasks.push_back(nap(loop, log, "a", 30, 0));
  tasks.push_back(nap(loop, log, "b", 10, 1));
  tasks.push_back(fail_after(loop, 20));
  tasks.push_back(at_once(3));
  as_completed done{std::move(tasks)};
  std::vector<std::size_t> order;
  while (!done.empty()) {
    completed<int> c = co_await done.next();  // for aw in asyncio.as_completed(...)
    order.push_back(c.index);
    try {
      values.push_back(std::move(c.result).get());
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
  }
  co_return order;
}

TEST_F(spawn_test, as_completed_hands_outcomes_back_in_the_order_the_tasks_end) {
  std::vector<int> values;
  std::string error;
  EXPECT_EQ(loop.run(drain(loop, log, values, error)),
            (std::vector<std::size_t>{3, 1, 2, 0}))
      << "first the task that never waited, then by the length of their sleeps";
  EXPECT_EQ(values, (std::vector<int>{3, 1, 0}));
  EXPECT_EQ(error, "no answer") << "an exception is one task's outcome, not the end";
  EXPECT_EQ(log,
            (std::vector<std::string>{"a started", "b started", "b ended", "a ended"}))
      << "every task must start before any ends";
}

task<int> next_after_the_last(event_loop&) {
  std::vector<task<int>> tasks;
  tasks.push_back(at_once(1));
  as_completed done{std::move(tasks)};
  const completed<int> only = co_await done.next();
  co_await done.next();  // nothing left: a logic_error, not a wait forever
  co_return only.result.value.value_or(0);
}

TEST_F(spawn_test, as_completed_refuses_a_next_after_the_last_task) {
  EXPECT_THROW(loop.run(next_after_the_last(loop)), std::logic_error);
}

}  // namespace
}  // namespace inflight::ch04
