// The baseline: one task after another on the calling thread. N tasks of W
// milliseconds take N x W, and one core is busy the whole time.
#include "05_cpu_bound/cpu_bound.hpp"

namespace inflight::ch05 {

way_result run_sequential(const work_spec& spec) {
  way_result result;
  result.way = "sequential";
  result.model = "sequential, one thread";
  const harness::run_clock clock;
  // [snippet:sequential]
  for (std::size_t i = 0; i < spec.tasks; ++i) {
    result.tasks.push_back(run_task(i, spec.steps, clock));
  }
  // [/snippet]
  stop_clock(result, clock);
  return result;
}

}  // namespace inflight::ch05
