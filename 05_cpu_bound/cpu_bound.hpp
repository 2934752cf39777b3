// Chapter 05: the same CPU-bound tasks run four ways, to show where
// concurrency does not help and what does. Sequential; coroutines on
// chapter 04's one-thread event loop (no faster: nothing waits); a fixed pool
// of P threads (up to P times faster, with P cores); and mixed with chapter
// 04's requests, where CPU work inside the loop stalls every transfer until it
// is offloaded to the pool. Leaves out processes, SIMD and GPUs.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "05_cpu_bound/workload.hpp"
#include "harness/record.hpp"

namespace inflight::ch05 {

// One way of running the tasks, measured.
struct way_result {
  std::string way;    // "sequential", "coroutines", "pool", "mixed_in_loop", ...
  std::string model;  // how the report names it: "a fixed pool of 2 threads"
  std::vector<task_result> tasks;                 // in index order
  std::vector<harness::request_record> requests;  // the mixed demo's transfers
  double wall_s = 0;
  double cpu_s = 0;                  // user + sys of the whole process meanwhile
  std::optional<double> loop_lag_s;  // the mixed demo: see lag_probe.hpp

  // Distinct OS threads that ran a task or carried a request: observed from
  // the results, not what the model claims.
  [[nodiscard]] int threads() const;
};

way_result run_sequential(const work_spec& spec);

// Every task a coroutine on one event loop, each giving the others a turn
// between slices of its work: all in progress at once, one computing.
way_result run_coroutines(const work_spec& spec);

// Every task submitted to a fixed pool of `threads` workers, collected
// through futures.
way_result run_on_pool(const work_spec& spec, std::size_t threads);

// The mixed demo: GET every URL on one event loop while the CPU tasks run.
struct mixed_settings {
  std::vector<std::string> urls;
  double timeout_s = 60;         // per request
  std::size_t pool_threads = 0;  // 0: the tasks run inside the loop (the mistake)
};
way_result run_mixed(const work_spec& spec, const mixed_settings& how);

// How often the mixed demo's lag probe ticks (lag_probe.hpp): its resolution.
inline constexpr std::chrono::milliseconds lag_probe_period{5};

// Stamps wall and CPU time since `clock` was made: how each run_* ends.
void stop_clock(way_result& result, const harness::run_clock& clock);

// A task as a timeline row: the harness timeline draws request records.
harness::request_record as_record(const task_result& task, std::size_t row);

}  // namespace inflight::ch05
