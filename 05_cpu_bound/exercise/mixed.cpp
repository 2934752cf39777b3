// Exercise 05, step 2: offload. The mixed demo: chapter 04's requests in
// flight on the event loop while CPU tasks run. A copy of 05_cpu_bound/mixed.cpp
// with the offloading left for you: computed inside the loop (given), a task
// holds the loop thread, and no transfer is read, no timer fires, until it
// ends; offloaded to chapter 02's pool and co_awaited, it waits like a
// transfer and the loop stays free. Step 1 is in pool.cpp beside this file.
// The solution is ../mixed.cpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// Run the chapter's tests against these files (docs/workshop.md, "Exercises"):
//   cmake --preset exercises && cmake --build --preset exercises
//   ctest --preset exercises -L ch05
// You are done when every ch05 test passes.
#include <chrono>
#include <optional>
#include <stdexcept>

#include "03_curl_multi/connections.hpp"
#include "04_coroutines/coroutines.hpp"
#include "04_coroutines/when_all.hpp"
#include "05_cpu_bound/cpu_bound.hpp"
#include "05_cpu_bound/lag_probe.hpp"
#include "05_cpu_bound/pool_awaiter.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch05 {
namespace {

using ch04::task;
using harness::request_record;

// The CPU work starts once every transfer is on the wire, as if it arrived
// while they were waiting for their answers.
constexpr auto cpu_starts_after = std::chrono::milliseconds(10);

// One CPU task among the transfers. `pool` null: computed on the loop thread
// (the mistake); else offloaded. Answers with its timeline row; the value
// goes to `out`, in the caller's frame, which outlives this task.
task<request_record> cpu_job(ch04::event_loop& loop, ch02::fixed_pool* pool,
                             std::size_t index, std::uint64_t steps, task_result& out,
                             std::size_t row) {
  co_await loop.sleep_for(cpu_starts_after);
  const harness::run_clock& clock = loop.clock();
  // [todo:offload]
  if (pool == nullptr) {
    out = run_task(index, steps, clock);  // nothing else on this thread runs now
  } else {
    // TODO(exercise 05, step 2): compute the same run_task(index, steps,
    // clock) on a worker of `pool`, and wait for it the way this coroutine
    // waits for a transfer: `out = co_await on_pool(*pool, loop, job);`, where
    // `job` is a lambda that returns the task_result. on_pool
    // (pool_awaiter.hpp) queues the job and suspends this coroutine; the loop
    // goes on reading sockets and firing timers; the worker posts the
    // coroutine back to the loop when the job is done, and it resumes here,
    // on the loop thread, with the value. asyncio's run_in_executor.
    //
    // Two things to mind:
    //  - Capture index and steps by value, clock by reference: the loop's
    //    clock outlives every task, and the job only reads it.
    //  - Name the lambda first, `const auto job = [...] { ... };`, then
    //    co_await: GCC 12 destroys a capturing lambda written inside the
    //    co_await expression twice (docs/compilers.md).
    //
    // The tests check: offloaded to one worker, the loop is at most 20 ms late
    // and every request ends before the last CPU task; the answers are
    // verified; two threads ran (the loop's and the worker). Then delete the
    // throw below.
    throw std::logic_error(
        "exercise 05: offloading cpu_job() to the pool is yours to write: see the "
        "TODO in 05_cpu_bound/exercise/mixed.cpp");
  }
  // [/todo]
  co_return as_record(out, row);
}

struct mixed_outcome {
  std::vector<request_record> requests;
  double loop_lag_s = 0;
};

task<mixed_outcome> mixed_demo(ch04::event_loop& loop, ch02::fixed_pool* pool,
                               work_spec spec, mixed_settings how,
                               std::vector<task_result>& cpu) {
  const lag_probe probe{loop, lag_probe_period};
  const std::size_t n = how.urls.size();
  ch04::semaphore limit{loop, n};  // a permit each: every request at once
  ch04::http_options options;
  // No bound (a permit each): every request at once, so nothing to reuse.
  options.fresh_connection = ch03::fresh_connection_each(n, std::nullopt);

  std::vector<task<request_record>> jobs;
  for (std::size_t i = 0; i < n; ++i) {
    jobs.push_back(ch04::fetch_one(loop, limit, i, how.urls[i], how.timeout_s, options));
  }
  for (std::size_t i = 0; i < spec.tasks; ++i) {
    jobs.push_back(cpu_job(loop, pool, i, spec.steps, cpu[i], n + i));
  }
  mixed_outcome outcome;
  outcome.requests = co_await ch04::when_all(std::move(jobs));
  outcome.loop_lag_s = probe.max_lag_s();
  outcome.requests.resize(n);  // the rest are the CPU rows; `cpu` has their values
  co_return outcome;
}

}  // namespace

way_result run_mixed(const work_spec& spec, const mixed_settings& how) {
  way_result result;
  const std::string p = std::to_string(how.pool_threads);
  result.way = how.pool_threads == 0 ? "mixed_in_loop" : "mixed_offloaded";
  result.model = how.pool_threads == 0 ? "mixed: CPU tasks inside the event loop"
                                       : "mixed: CPU tasks on a pool of " + p;
  const harness::run_clock clock;
  ch04::event_loop loop{clock};
  // After the loop, so destroyed before it: ~fixed_pool joins the workers, and
  // a worker may still be posting to the loop. The loop outlives every thread
  // that posts to it.
  std::optional<ch02::fixed_pool> pool;
  if (how.pool_threads > 0) pool.emplace(how.pool_threads);
  result.tasks.resize(spec.tasks);
  mixed_outcome outcome =
      loop.run(mixed_demo(loop, pool ? &*pool : nullptr, spec, how, result.tasks));
  stop_clock(result, clock);
  result.requests = std::move(outcome.requests);
  result.loop_lag_s = outcome.loop_lag_s;
  return result;
}

}  // namespace inflight::ch05
