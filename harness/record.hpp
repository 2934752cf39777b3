// What one request left behind, and the clock every record is measured on.
// Every chapter fills the same record, so the report, the timeline and the
// trace never need to know which model produced it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/process_stats.hpp"

namespace inflight::harness {

struct request_record {
  std::size_t index = 0;  // position in the workload: results stay in order
  std::string url;
  // Seconds since the run started (see run_clock), from when the request was
  // sent (harness::attach_record): waiting for a connection or a stream is
  // not time in flight.
  double start_s = 0;
  double end_s = 0;
  long status = 0;  // HTTP status; 0 when no answer arrived
  std::uint64_t bytes = 0;
  long connections = 0;  // new connections curl opened for it (0: reused one)
  int http_major = 0;    // the answer's HTTP version: 1 or 2; 0 when none came
  long thread = 0;       // the OS thread id that carried it
  std::string error;     // empty when ok; else curl's message or "HTTP 500"

  [[nodiscard]] bool ok() const { return error.empty(); }
};

// One zero for the whole run: record times, the timeline, the trace and the
// wall time are all seconds since this clock was made. Steady, so a clock
// change during the run cannot make a request end before it started.
class run_clock {
 public:
  run_clock() = default;
  [[nodiscard]] double now_s() const {
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    return std::chrono::duration<double>(elapsed).count();
  }
  [[nodiscard]] double cpu_at_start_s() const { return cpu_at_start_s_; }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double cpu_at_start_s_ = process_cpu_s();
};

}  // namespace inflight::harness
