// The four ways against each other, with the bundled server for the mixed
// demo: the same verified answers from each, the threads each really used,
// and the loop lag with the CPU work inside the loop and offloaded.
#include <gtest/gtest.h>

#include <algorithm>

#include "05_cpu_bound/cpu_bound.hpp"
#include "harness/test_support/server_fixture.hpp"

namespace inflight::ch05 {
namespace {

class ways_test : public test_support::with_server {
 protected:
  // Short tasks keep the suite fast; calibrated, so ~30 ms on any build.
  work_spec spec{4, steps_for_ms(30)};

  mixed_settings mixed(std::size_t requests, double delay_s, std::size_t pool) const {
    return {delay_urls(requests, delay_s), 10, pool};
  }
};

std::vector<std::uint64_t> values(const way_result& way) {
  std::vector<std::uint64_t> v;
  for (const task_result& t : way.tasks) v.push_back(t.value);
  return v;
}

TEST_F(ways_test, every_way_gives_the_same_verified_answers) {
  const std::vector<way_result> ways{
      run_sequential(spec), run_coroutines(spec), run_on_pool(spec, 2),
      run_mixed(spec, mixed(2, 0.05, 0)), run_mixed(spec, mixed(2, 0.05, 2))};
  for (const way_result& way : ways) {
    EXPECT_TRUE(verified(way.tasks, spec)) << way.way;
    EXPECT_EQ(values(way), values(ways[0])) << way.way;
  }
  for (const way_result& way : {ways[3], ways[4]}) {
    ASSERT_EQ(way.requests.size(), 2U) << way.way;
    for (const auto& r : way.requests) EXPECT_TRUE(r.ok()) << way.way << ": " << r.error;
  }
}

TEST_F(ways_test, coroutines_take_turns_on_one_thread) {
  const way_result way = run_coroutines(spec);
  EXPECT_EQ(way.threads(), 1);
  // Concurrency: every task started before the first one ended...
  double last_start = 0;
  double first_end = way.wall_s;
  for (const task_result& t : way.tasks) {
    last_start = std::max(last_start, t.start_s);
    first_end = std::min(first_end, t.end_s);
  }
  EXPECT_LT(last_start, first_end);
  // ...and no parallelism: they all ran on the loop thread (above).
}

TEST_F(ways_test, the_pool_uses_p_threads_and_the_sequential_one) {
  work_spec more = spec;
  more.tasks = 8;
  EXPECT_EQ(run_sequential(more).threads(), 1);
  for (const std::size_t p : {1U, 2U, 3U}) {
    const way_result way = run_on_pool(more, p);
    EXPECT_EQ(way.threads(), static_cast<int>(p)) << "observed from the task results";
    EXPECT_EQ(way.model, "a fixed pool of " + std::to_string(p) + " threads");
  }
}

double last_end(const way_result& way) {
  double last = 0;
  for (const task_result& t : way.tasks) last = std::max(last, t.end_s);
  return last;
}

TEST_F(ways_test, cpu_work_in_the_loop_stalls_every_transfer_and_offloading_does_not) {
  // Three 50 ms tasks from 10 ms on hold the loop until ~160 ms; the answers
  // to the requests arrive at 100 ms, in the middle of it.
  const work_spec three{3, steps_for_ms(50)};
  const way_result stalled = run_mixed(three, mixed(3, 0.1, 0));
  double longest_task = 0;
  for (const task_result& t : stalled.tasks)
    longest_task = std::max(longest_task, t.end_s - t.start_s);
  ASSERT_TRUE(stalled.loop_lag_s);
  EXPECT_GE(*stalled.loop_lag_s, longest_task) << "a timer waits for the computation";
  for (const auto& r : stalled.requests) {
    EXPECT_GE(r.end_s, last_end(stalled)) << "request " << r.index << " waited";
  }

  // Offloaded to one worker, the loop thread is free to turn: the same timer
  // is late by far less than in the run above, where it waited for a whole
  // task. An order, not a limit in milliseconds: a busy machine can hold any
  // thread back now and then, so the best of three runs.
  double best_lag_s = *stalled.loop_lag_s;
  for (int attempt = 0; attempt < 3 && best_lag_s >= longest_task / 2; ++attempt) {
    const way_result offloaded = run_mixed(three, mixed(3, 0.1, 1));
    ASSERT_TRUE(offloaded.loop_lag_s);
    best_lag_s = std::min(best_lag_s, *offloaded.loop_lag_s);
    for (const auto& r : offloaded.requests) {
      EXPECT_LT(r.end_s, last_end(offloaded)) << "request " << r.index << " on time";
    }
    EXPECT_EQ(offloaded.threads(), 2) << "the loop thread and the one worker";
  }
  EXPECT_LT(best_lag_s, longest_task / 2)
      << "offloaded, the loop waited for no task (in the loop: "
      << *stalled.loop_lag_s * 1000 << " ms late)";
}

TEST_F(ways_test, a_request_whose_set_up_fails_is_one_failed_record_in_the_mixed_demo) {
  const std::vector<std::string> urls{delay_url(0), test_support::url_curl_refuses(),
                                      delay_url(0)};
  for (const std::size_t pool : {0U, 1U}) {
    const way_result way = run_mixed(spec, {urls, 10, pool});
    ASSERT_EQ(way.requests.size(), urls.size()) << way.way << ": ok + failed == N";
    EXPECT_TRUE(way.requests[0].ok()) << way.way << ": " << way.requests[0].error;
    EXPECT_FALSE(way.requests[1].ok()) << way.way;
    EXPECT_EQ(way.requests[1].index, 1U) << way.way;
    EXPECT_TRUE(way.requests[2].ok()) << way.way << ": " << way.requests[2].error;
    EXPECT_TRUE(verified(way.tasks, spec)) << way.way << ": the CPU tasks ran to the end";
  }
}

}  // namespace
}  // namespace inflight::ch05
