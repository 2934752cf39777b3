// What every way shares: how it is timed, and how its threads are counted.
#include <set>
#include <string>

#include "05_cpu_bound/cpu_bound.hpp"
#include "harness/process_stats.hpp"

namespace inflight::ch05 {

int way_result::threads() const {
  std::set<long> ids;
  for (const task_result& t : tasks) ids.insert(t.thread);
  for (const harness::request_record& r : requests) ids.insert(r.thread);
  return static_cast<int>(ids.size());
}

void stop_clock(way_result& result, const harness::run_clock& clock) {
  result.wall_s = clock.now_s();
  result.cpu_s = harness::process_cpu_s() - clock.cpu_at_start_s();
}

harness::request_record as_record(const task_result& task, std::size_t row) {
  harness::request_record r;
  r.index = row;
  r.url = "cpu task " + std::to_string(task.index);
  r.start_s = task.start_s;
  r.end_s = task.end_s;
  r.thread = task.thread;
  return r;
}

}  // namespace inflight::ch05
