// A chapter run from the outside: where its requests go (the bundled server
// started in-process, a server at --url, or the list from --urls) and how the
// run is reported. A chapter's main.cpp makes one right after parsing options.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/options.hpp"
#include "harness/record.hpp"
#include "harness/report.hpp"
#include "harness/trace.hpp"
#include "harness/transfer.hpp"
#include "mock_server/server.hpp"

namespace inflight::harness {

class session {
 public:
  // Opens the --trace file first (throws std::runtime_error if it cannot).
  // Then makes room for a socket per request in flight (fd_limit.hpp:
  // throws descriptor_limit_error naming the limit when it cannot). Without
  // --url or --urls, starts the bundled server (events engine) on a free
  // loopback port and says so in one line on stderr. Resets the server's
  // statistics, so the peak it reports afterwards is this run's.
  // `in_flight_at_most`: the chapter_spec's, for the descriptor check.
  session(std::string chapter, run_options options, std::size_t in_flight_at_most = 0);

  // The URLs to fetch, in order: N x {base}/delay/{d}, or the --urls list.
  [[nodiscard]] const std::vector<std::string>& urls() const { return urls_; }
  [[nodiscard]] const run_options& options() const { return options_; }

  // Reads the wall time off `clock` first, then asks the server for its peak,
  // prints the timeline and the report (or only the JSON), writes the trace.
  // `warmups`: requests made before the run's own (--http2 opens a connection
  // a host with one), shown in the timeline and counted apart.
  // Returns the exit status: 0, or 1 when a request failed.
  int finish(const model_info& model, std::vector<request_record> records,
             const run_clock& clock, std::vector<std::string> notes = {},
             std::vector<request_record> warmups = {});

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
  std::optional<trace_file> trace_;  // --trace, opened before the run
};

// What every chapter's main() does around its model: parse the options
// (--help exits 0, a bad argument exits 2), make the session, run `body`, and
// turn an exception that ends the run into one line on stderr,
// "<chapter>: <what>", and exit status 1. Returns main's exit status.
int run_chapter(const chapter_spec& chapter, int argc, char** argv,
                const std::function<int(session&)>& body);

// A model that keeps at most `bound` of its `n` requests in flight
// (--max-in-flight): ceil(N/P) x d while the bound holds some back, else d.
model_info bounded_model(std::string name, std::size_t n,
                         std::optional<std::size_t> bound);

}  // namespace inflight::harness
