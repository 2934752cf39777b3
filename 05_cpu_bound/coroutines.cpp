// Concurrency without parallelism: every task a coroutine on chapter 04's
// event loop, all of them in progress at once, taking turns on its one thread.
// Nothing waits for I/O, so the turns only share out the same core: the run
// takes as long as sequential (a little longer: the turns cost).
#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/task.hpp"
#include "04_coroutines/when_all.hpp"
#include "05_cpu_bound/cpu_bound.hpp"

namespace inflight::ch05 {
namespace {

using ch04::task;

// Turns per task: enough for the timeline to show them interleaved, few
// enough that the trips through the loop cost nothing measurable.
constexpr std::uint64_t slices = 10;

// [snippet:compute]
task<task_result> compute(ch04::event_loop& loop, std::size_t index,
                          std::uint64_t steps) {
  task_result r;
  r.index = index;
  r.start_s = loop.clock().now_s();
  std::uint64_t x = seed_of(index);
  for (std::uint64_t s = 0; s < slices; ++s) {
    // asyncio.sleep(0): let every other ready coroutine take a turn first.
    if (s > 0) co_await loop.sleep_for(ch04::steady::duration::zero());
    x = lcg_steps(x, steps / slices + (s < steps % slices ? 1 : 0));
  }
  r.value = x;  // the same as lcg_steps(seed, steps): the slices add up
  r.end_s = loop.clock().now_s();
  r.thread = harness::current_thread_id();
  co_return r;
}

task<std::vector<task_result>> compute_all(ch04::event_loop& loop, work_spec spec) {
  std::vector<task<task_result>> tasks;
  for (std::size_t i = 0; i < spec.tasks; ++i) {
    tasks.push_back(compute(loop, i, spec.steps));
  }
  co_return co_await ch04::when_all(std::move(tasks));  // asyncio.gather
}
// [/snippet]

}  // namespace

way_result run_coroutines(const work_spec& spec) {
  way_result result;
  result.way = "coroutines";
  result.model = "coroutines on one event loop";
  const harness::run_clock clock;
  ch04::event_loop loop{clock};
  result.tasks = loop.run(compute_all(loop, spec));
  stop_clock(result, clock);
  return result;
}

}  // namespace inflight::ch05
