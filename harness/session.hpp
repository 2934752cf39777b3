// A chapter run from the outside: where its requests go (the bundled server
// started in-process, a server at --url, or the list from --urls) and how the
// run is reported. A chapter's main.cpp makes one right after parsing options.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/options.hpp"
#include "harness/record.hpp"
#include "harness/report.hpp"
#include "harness/transfer.hpp"
#include "mock_server/server.hpp"

namespace inflight::harness {

class session {
 public:
  // Without --url or --urls, starts the bundled server (events engine) on a
  // free loopback port and says so in one line on stderr. Resets the
  // server's statistics, so the peak it reports afterwards is this run's.
  session(std::string chapter, run_options options);

  // The URLs to fetch, in order: N x {base}/delay/{d}, or the --urls list.
  [[nodiscard]] const std::vector<std::string>& urls() const { return urls_; }
  [[nodiscard]] const run_options& options() const { return options_; }

  // Reads the wall time off `clock` first, then asks the server for its peak,
  // prints the timeline and the report (or only the JSON), writes the trace.
  // Returns the exit status: 0, or 1 when a request failed.
  int finish(const model_info& model, std::vector<request_record> records,
             const run_clock& clock, std::vector<std::string> notes = {});

 private:
  // First member: curl_global_init runs before the server or any request
  // thread starts, and curl_global_cleanup after they are all gone.
  curl_library curl_;
  std::string chapter_;
  run_options options_;
  std::unique_ptr<mock::server> server_;  // the bundled one, when we started it
  std::string server_url_;                // a server whose /stats we ask
  bool stats_known_ = false;              // it had /stats/reset
  std::vector<std::string> urls_;
};

}  // namespace inflight::harness
