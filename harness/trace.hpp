// Chrome trace-event export of a run's requests. Open the file in
// ui.perfetto.dev or chrome://tracing.
//
// Spans on one track must nest, or the viewer draws them wrongly. A thread
// that carries one request at a time (chapters 01 and 02) gets its requests
// as spans on its own track, which shows the pool's waves; a thread that
// carries many at once (an event loop: 03, 04) gets an async begin/end pair
// per request, each on a track of its own, so overlapping requests never
// share a track.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::harness {

// {"traceEvents": [...]}: the process and thread names, then the requests,
// times in microseconds from the run's start.
nlohmann::json trace_json(const std::string& process_name,
                          const std::vector<request_record>& records);

// A trace file, opened before the run so that a path that cannot be written
// fails at once rather than after the whole run, and written after it. Every
// error, including one that only shows when the file is flushed and closed
// (a full disk, /dev/full), throws std::runtime_error naming the file.
class trace_file {
 public:
  explicit trace_file(std::string path);
  void write(const std::string& process_name, const std::vector<request_record>& records);

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace inflight::harness
