// Chrome trace-event export: one span per request on the track of the thread
// that carried it. Open the file in ui.perfetto.dev or chrome://tracing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::harness {

// {"traceEvents": [...]}: a thread_name event per thread, then one complete
// ("ph":"X") event per request, times in microseconds from the run's start.
nlohmann::json trace_json(const std::string& process_name,
                          const std::vector<request_record>& records);

// Writes trace_json to `path`; throws std::runtime_error naming the file.
void write_trace(const std::string& path, const std::string& process_name,
                 const std::vector<request_record>& records);

}  // namespace inflight::harness
