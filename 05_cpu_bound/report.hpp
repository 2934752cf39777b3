// The chapter's report: every way in one table, speedup against sequential
// next to the core count, and the mixed demo's loop lag before and after
// offloading. Printed as text, or as one JSON object with a `runs` list.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "05_cpu_bound/cpu_bound.hpp"
#include "harness/timeline.hpp"

namespace inflight::ch05 {

struct chapter_result {
  work_spec spec;
  std::optional<double> work_ms;  // what --work-ms asked for; nullopt with --steps
  unsigned hardware_threads = 1;
  std::size_t pool_threads = 1;
  // Cores free for the pool just before the runs (free_cores); nullopt: not
  // measured. On a busy machine it is below min(pool, hardware) threads.
  std::optional<double> free_cores;
  // True when clearly fewer cores were free than the pool could use: the
  // speedup says more about the machine's load than about the pool.
  [[nodiscard]] bool busy() const;
  std::optional<double> delay_s;  // the mixed demo's; nullopt with --urls
  // sequential, coroutines, pool, mixed_in_loop, mixed_offloaded
  std::vector<way_result> ways;

  [[nodiscard]] const way_result* find(const std::string& way) const;
  // Against sequential; a mixed way against the mixed demo with the CPU in
  // the loop. nullopt when that way did not run.
  [[nodiscard]] std::optional<double> speedup(const way_result& way) const;
  [[nodiscard]] std::size_t failed_requests() const;
  [[nodiscard]] bool all_verified() const;
};

// {"chapter", "tasks", "steps", "work_ms", "hardware_threads",
//  "pool_threads", "free_cores", "busy", "delay_s", "requests", "ok", "failed", "errors",
//  "runs": [{"way", "model", "wall_s", "cpu_s", "speedup", "against",
//            "threads", "verified", and for the mixed demo "loop_lag_s",
//            "requests", "ok", "failed", "slowest_request_s"}],
//  "loop_lag_s": {"in_loop", "offloaded"}}
// Top-level requests, ok, failed, errors: the mixed demo's, both runs.
nlohmann::json to_json(const chapter_result& result);

void print_report(std::ostream& out, const chapter_result& result);

// One timeline per way, each on its own time axis from 0.
std::string render_timelines(const chapter_result& result, const harness::terminal& term);

}  // namespace inflight::ch05
