// The workload: the check agrees with the work, and the calibration sizes a
// task by this machine's speed.
#include "05_cpu_bound/workload.hpp"

#include <gtest/gtest.h>

#include "05_cpu_bound/report.hpp"

namespace inflight::ch05 {
namespace {

TEST(workload, the_jump_lands_where_the_steps_do) {
  for (const std::uint64_t steps : {0ULL, 1ULL, 2ULL, 3ULL, 1000ULL, 123'457ULL}) {
    for (const std::size_t index : {0U, 1U, 7U}) {
      EXPECT_EQ(lcg_jump(seed_of(index), steps), lcg_steps(seed_of(index), steps))
          << "task " << index << ", " << steps << " steps";
    }
  }
}

TEST(workload, steps_compose_so_slices_add_up_to_the_whole) {
  const std::uint64_t x = seed_of(3);
  EXPECT_EQ(lcg_steps(lcg_steps(x, 400), 600), lcg_steps(x, 1000));
}

TEST(workload, verified_catches_a_wrong_missing_or_misplaced_answer) {
  const harness::run_clock clock;
  const work_spec spec{3, 1000};
  std::vector<task_result> results;
  for (std::size_t i = 0; i < spec.tasks; ++i)
    results.push_back(run_task(i, 1000, clock));
  EXPECT_TRUE(verified(results, spec));

  auto wrong = results;
  wrong[1].value += 1;
  EXPECT_FALSE(verified(wrong, spec));
  auto swapped = results;
  std::swap(swapped[0], swapped[2]);
  EXPECT_FALSE(verified(swapped, spec));
  results.pop_back();
  EXPECT_FALSE(verified(results, spec));
}

TEST(workload, a_calibrated_task_takes_about_the_asked_cpu_time) {
  const double work_ms = 30;
  const std::uint64_t steps = steps_for_ms(work_ms);
  const double start = thread_cpu_s();
  EXPECT_EQ(lcg_steps(seed_of(0), steps), lcg_jump(seed_of(0), steps));
  const double took_ms = (thread_cpu_s() - start) * 1000;
  // Thread CPU time, so a busy machine barely moves it; still, generous bounds.
  EXPECT_GT(took_ms, work_ms / 3);
  EXPECT_LT(took_ms, work_ms * 3);
}

TEST(free_cores, spinning_threads_get_some_cpu_and_never_more_than_one_each) {
  const double one = free_cores(1, std::chrono::milliseconds(50));
  EXPECT_GT(one, 0.0);
  EXPECT_LE(one, 1.0);
  const double two = free_cores(2, std::chrono::milliseconds(50));
  EXPECT_GT(two, 0.0);
  EXPECT_LE(two, 2.0);
}

TEST(free_cores, the_report_calls_the_machine_busy_only_when_clearly_short) {
  chapter_result r;
  r.hardware_threads = 2;
  r.pool_threads = 2;
  EXPECT_FALSE(r.busy()) << "not measured: nothing to say";
  r.free_cores = 1.95;
  EXPECT_FALSE(r.busy());
  r.free_cores = 1.2;
  EXPECT_TRUE(r.busy());
  r.pool_threads = 1;  // a pool of one needs one core, and had it
  EXPECT_FALSE(r.busy());
}

}  // namespace
}  // namespace inflight::ch05
