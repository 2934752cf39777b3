// Parallelism: the tasks spread over chapter 02's fixed pool of P threads, here
// the twin of Python's ProcessPoolExecutor (CPython's GIL lets one thread
// compute at a time, so Python needs processes; C++ threads have no such lock).
// With P cores free, N tasks of W take about ceil(N/P) x W; the CPU time stays
// N x W (the same work, done on more cores at once), and past P cores nothing
// improves.
#include <future>

#include "02_threads/fixed_pool.hpp"
#include "05_cpu_bound/cpu_bound.hpp"

namespace inflight::ch05 {

// [exercise:run_on_pool]
way_result run_on_pool(const work_spec& spec, std::size_t threads) {
  way_result result;
  result.way = "pool";
  result.model = "a fixed pool of " + std::to_string(threads) + " threads";
  const harness::run_clock clock;
  // [snippet:pool]
  ch02::fixed_pool pool{threads};
  std::vector<std::future<task_result>> futures;
  for (std::size_t i = 0; i < spec.tasks; ++i) {
    // `clock` by reference: it outlives the pool, whose destructor waits for
    // every task. `i` by value: the loop moves on before the task runs.
    futures.push_back(
        pool.submit([i, &spec, &clock] { return run_task(i, spec.steps, clock); }));
  }
  for (auto& future : futures) result.tasks.push_back(future.get());  // in order
  // [/snippet]
  stop_clock(result, clock);
  return result;
}
// [/exercise]

}  // namespace inflight::ch05
