// The pieces without a server: task (lazy, exceptions, a million co_awaits),
// when_all, the semaphore, sleeping, to_thread, and a loop with nothing to
// wait for.
#include "04_coroutines/task.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/offload.hpp"
#include "04_coroutines/semaphore.hpp"
#include "04_coroutines/when_all.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {
namespace {

using std::chrono::milliseconds;

class task_test : public ::testing::Test {
 protected:
  harness::curl_library curl;
  harness::run_clock clock;
  event_loop loop{clock};
};

task<int> note_and_return(bool& ran, int value) {
  ran = true;
  co_return value;
}

TEST_F(task_test, is_lazy_until_awaited) {
  bool ran = false;
  task<int> t = note_and_return(ran, 7);
  EXPECT_FALSE(ran) << "a task must not start when it is created";
  EXPECT_EQ(loop.run(std::move(t)), 7);
  EXPECT_TRUE(ran);
}

task<int> fail_after_sleep(event_loop& loop, std::string message) {
  co_await loop.sleep_for(milliseconds(5));
  throw std::runtime_error(message);
}

// [snippet:try_catch]
task<std::string> catch_it(event_loop& loop) {
  try {
    co_await fail_after_sleep(loop, "no answer");
    co_return "not reached";
  } catch (const std::runtime_error& e) {  // as if the call had been blocking
    co_return std::string("caught: ") + e.what();
  }
}
// [/snippet]

TEST_F(task_test, an_exception_reaches_the_awaiter_after_a_suspension) {
  EXPECT_EQ(loop.run(catch_it(loop)), "caught: no answer");
}

task<long> one(long i) {
  co_return i;
}

// [snippet:million]
// A million co_awaits of tasks that end without ever suspending. Were each
// co_await to nest a call, this would need a million stack frames.
task<long> long_chain(long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) sum += co_await one(i);
  co_return sum;
}
// [/snippet]

TEST_F(task_test, a_million_co_awaits_of_finished_tasks_use_a_constant_stack) {
  const long n = 1'000'000;
  EXPECT_EQ(loop.run(long_chain(n)), n * (n - 1) / 2);
}

task<long> one_after_a_turn(event_loop& loop, long i) {
  co_await loop.sleep_for(steady::duration::zero());  // through the loop
  co_return i;
}

task<long> long_suspending_chain(event_loop& loop, long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) sum += co_await one_after_a_turn(loop, i);
  co_return sum;
}

TEST_F(task_test, a_long_chain_of_tasks_that_suspend_uses_a_constant_stack_too) {
  const long n = 100'000;  // each ends by symmetric transfer from final_suspend
  EXPECT_EQ(loop.run(long_suspending_chain(loop, n)), n * (n - 1) / 2);
}

// When each task started and ended, in the order the loop saw them.
struct span_log {
  std::vector<int> started;
  std::vector<int> ended;
};

task<int> logged_sleep(event_loop& loop, span_log& log, int ms, int value) {
  log.started.push_back(value);
  co_await loop.sleep_for(milliseconds(ms));
  log.ended.push_back(value);
  co_return value;
}

TEST_F(task_test, when_all_keeps_the_order_of_the_tasks_not_of_their_ending) {
  span_log log;
  std::vector<task<int>> tasks;
  tasks.push_back(logged_sleep(loop, log, 30, 0));
  tasks.push_back(logged_sleep(loop, log, 10, 1));
  tasks.push_back(logged_sleep(loop, log, 20, 2));
  EXPECT_EQ(loop.run(when_all(std::move(tasks))), (std::vector<int>{0, 1, 2}));
  // The sleeps overlap: every task started before any ended (no stopwatch,
  // so a busy machine cannot fail this), and they ended shortest first.
  EXPECT_EQ(log.started, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(log.ended, (std::vector<int>{1, 2, 0}))
      << "awaited one by one, they would end in the order they were made";
}

TEST_F(task_test, when_all_of_tasks_that_never_suspend_and_of_none) {
  std::vector<task<long>> tasks;
  for (long i = 0; i < 1000; ++i) tasks.push_back(one(i));
  // The classic mistakes of exercise 04 show here, where every task ends
  // before start_all returns: the parent's extra share kept (it then waits for
  // a resume that never comes) or missing (the last task resumes the parent
  // while it is still starting the others).
  std::vector<long> values;
  ASSERT_NO_THROW(values = loop.run(when_all(std::move(tasks))))
      << "tasks that end at once: start_all must give back the parent's extra share "
         "(join.parent_arrives()) after starting every task, and suspend only if some "
         "are still running";
  EXPECT_EQ(values.at(999), 999)
      << "tasks that end at once: does the join counter start at N + 1, with the "
         "parent's extra share given up only after every task has started? Without "
         "it the last task resumes the parent while it is still starting the others";
  EXPECT_TRUE(loop.run(when_all(std::vector<task<long>>{})).empty());
}

std::vector<task<int>> two_ok_one_failing(event_loop& loop, span_log& log) {
  std::vector<task<int>> tasks;
  tasks.push_back(logged_sleep(loop, log, 20, 10));
  tasks.push_back(fail_after_sleep(loop, "task 1 failed"));
  tasks.push_back(logged_sleep(loop, log, 30, 12));
  return tasks;
}

TEST_F(task_test, when_all_settled_keeps_every_result_and_the_exception) {
  span_log log;
  auto settled = loop.run(when_all_settled(two_ok_one_failing(loop, log)));
  ASSERT_EQ(settled.size(), 3U);
  EXPECT_EQ(std::move(settled[0]).get(), 10);
  EXPECT_EQ(std::move(settled[2]).get(), 12);
  ASSERT_FALSE(settled[1].ok());
  EXPECT_THROW(std::move(settled[1]).get(), std::runtime_error);
}

TEST_F(task_test, when_all_rethrows_only_after_every_task_ended) {
  span_log log;
  EXPECT_THROW(loop.run(when_all(two_ok_one_failing(loop, log))), std::runtime_error);
  EXPECT_EQ(log.ended, (std::vector<int>{10, 12}))
      << "the exception reached the caller while a task was still running";
}

task<int> hold_permit(event_loop& loop, semaphore& limit, int& holding, int& peak) {
  const semaphore::permit permit = co_await limit.acquire();
  peak = std::max(peak, ++holding);
  co_await loop.sleep_for(milliseconds(5));
  --holding;
  co_return 0;
}

TEST_F(task_test, the_semaphore_lets_k_hold_a_permit_at_once) {
  semaphore limit{loop, 2};
  int holding = 0;
  int peak = 0;
  std::vector<task<int>> tasks;
  for (int i = 0; i < 7; ++i) tasks.push_back(hold_permit(loop, limit, holding, peak));
  loop.run(when_all(std::move(tasks)));
  EXPECT_EQ(peak, 2);
  EXPECT_EQ(limit.available(), 2U);
}

TEST_F(task_test, waiting_for_what_nothing_will_deliver_is_an_error_not_a_hang) {
  semaphore none{loop, 0};
  int holding = 0;
  int peak = 0;
  EXPECT_THROW(loop.run(hold_permit(loop, none, holding, peak)), std::logic_error);
}

long thread_id_after(milliseconds pause) {
  std::this_thread::sleep_for(pause);
  return harness::current_thread_id();
}

task<std::pair<long, long>> worker_and_resumed_on(event_loop& loop) {
  const long worker = co_await to_thread(loop, thread_id_after, milliseconds(20));
  co_return std::pair{worker, harness::current_thread_id()};
}

TEST_F(task_test, to_thread_runs_on_a_worker_and_resumes_on_the_loop_thread) {
  const auto [worker, resumed] = loop.run(worker_and_resumed_on(loop));
  EXPECT_NE(worker, harness::current_thread_id());
  EXPECT_EQ(resumed, harness::current_thread_id());
}

int throw_on_worker(int) {
  throw std::invalid_argument("from the worker");
}

task<int> offload_a_throw(event_loop& loop) {
  co_return co_await to_thread(loop, throw_on_worker, 1);
}

TEST_F(task_test, an_exception_on_the_worker_reaches_the_awaiter) {
  EXPECT_THROW(loop.run(offload_a_throw(loop)), std::invalid_argument);
}

}  // namespace
}  // namespace inflight::ch04
