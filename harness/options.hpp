// The chapter command line (ARCHITECTURE.md names where the contract lives): the
// options every chapter shares, plus a table through which a chapter adds its
// own. A bad value is a usage_error naming the option and what it accepts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inflight::harness {

struct run_options {
  std::size_t requests = 10;
  double delay_s = 1.0;
  std::string url;                // empty: start the bundled server in-process
  std::vector<std::string> urls;  // from --urls: fetch these instead
  double timeout_s = 60;          // per request; generous, but never forever
  std::optional<std::size_t> max_in_flight;
  bool timeline = false;  // --timeline given (a TTY may turn it on anyway)
  std::string trace_file;
  bool json = false;
  bool http2 = false;  // --http2: the requests as streams of one connection (h2c)
};

// "--requests: expected a whole number from 1 to 100000, got '0'"
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One command-line option. The shared options are rows of the same table a
// chapter extends, so --help lists both the same way.
struct option_spec {
  std::string name;        // "--fresh-handle"
  std::string value_name;  // empty for a flag; else shown in --help, e.g. "KB"
  std::string help;
  std::function<void(std::string_view value)> apply;  // throws usage_error
};

struct chapter_spec {
  std::string name;     // "01_sync": error messages and the JSON "chapter"
  std::string summary;  // the first line of --help
  // What --max-in-flight means here; empty when the model has no bound to set.
  std::string max_in_flight_help;
  std::vector<option_spec> options;  // the chapter's own
  bool traces = true;  // false: no per-request spans to write, --trace is refused
  // At most this many requests in flight whatever the options say (01: one
  // at a time); 0 when the run decides. The descriptor check counts on it.
  std::size_t in_flight_at_most = 0;
  // --http2 is offered: the chapter can run its requests as HTTP/2 streams.
  // Left out where it would change nothing worth a flag (02 and 05: each
  // thread's transfer is on a connection of its own anyway).
  bool http2 = false;
};

struct parse_result {
  run_options options;
  bool help = false;
  std::string error;  // empty when the arguments were good
};

// Parses without exiting or printing, so tests can call it directly. Reads
// the --urls file (or stdin for "-") as part of parsing.
parse_result parse_arguments(const chapter_spec& chapter,
                             std::span<const std::string> args);

std::string usage(const chapter_spec& chapter);

// The chapter's front door: --help prints usage and exits 0; a bad argument
// prints "<chapter>: <error>" and the usage on stderr and exits 2.
run_options parse_or_exit(const chapter_spec& chapter, int argc, char** argv);

// Value parsers for option tables; they throw usage_error naming `option`.
std::int64_t parse_whole(std::string_view option, std::string_view text, std::int64_t min,
                         std::int64_t max);
double parse_seconds(std::string_view option, std::string_view text, double min,
                     double max);

}  // namespace inflight::harness
