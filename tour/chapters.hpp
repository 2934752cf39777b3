// The tour's rows: which chapter runs, with which arguments, and the one line
// that reads its result back to the audience.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace inflight::tour {

struct chapter_run {
  std::string label;              // "02 a thread per request"
  std::string executable;         // "02_threads"
  std::vector<std::string> args;  // beyond --url, --requests, --delay, --json
  std::string reading;            // "all wait together, one thread each"
  bool timeline = true;  // draw its timeline (05 draws five: too long for a tour)
  std::optional<double> delay_s = std::nullopt;  // its own --delay, not the tour's
  // Non-empty: `executable` is a script this runs, with URL N DELAY (a peer
  // program of the original lesson, benchmarks/peers/), not a chapter.
  std::string interpreter = {};
};

// Every row of the table, in the order the course teaches them.
std::vector<chapter_run> chapter_runs(std::size_t requests, double delay_s);

// tour --peers: the original lesson's Python programs, as rows after 04's.
std::vector<chapter_run> peer_runs();

struct row_result {
  chapter_run run;
  std::optional<nlohmann::json> result;  // the chapter's --json, when it ran
  std::string timeline;                  // what it drew on stderr
  std::string error;                     // why the row failed, or empty
};

}  // namespace inflight::tour
