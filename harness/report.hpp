// The run report, the same shape for every chapter: how many requests
// succeeded, how long the run took against how long its model should take,
// and what it cost. Printed as text, or as the --json object (ARCHITECTURE.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::harness {

// How a model spends time, which decides how long N requests of d seconds
// should take: N x d one at a time, ceil(N/P) x d for P at a time, d for all.
enum class model_shape { sequential, pool, concurrent };

struct model_info {
  std::string name;  // "sequential, one reused easy handle"
  model_shape shape = model_shape::sequential;
  std::size_t pool_size = 1;  // model_shape::pool only
};

// What was measured around the run, rather than read from its records.
struct measurements {
  double wall_s = 0;
  double cpu_s = 0;
  long peak_rss_kb = 0;
  std::optional<std::int64_t> server_peak_in_flight;  // nullopt: unknown
  // From the server's /stats, since the run's reset; nullopt: unknown (not
  // our server, or one that does not count them).
  std::optional<std::int64_t> server_connections;  // connections it accepted
  std::optional<std::int64_t> server_streams;  // HTTP/2 streams that carried a request
  bool server_in_process = false;              // then cpu_s and peak RSS include it
};

struct run_result {
  std::string chapter;
  model_info model;
  std::optional<double> delay_s;  // nullopt with --urls
  measurements measured;
  std::vector<request_record> records;
  std::vector<std::string> notes;  // the chapter's own lines, e.g. thread cost
  bool http2 = false;              // --http2: the requests were to be HTTP/2 streams
  // Requests made before the run's own, not among them: --http2's warm-ups.
  std::vector<request_record> warmups{};

  [[nodiscard]] std::size_t ok() const;
  [[nodiscard]] std::size_t failed() const { return records.size() - ok(); }
  // N x d, ceil(N/P) x d or d; nullopt with --urls (no d to go by).
  [[nodiscard]] std::optional<double> expected_s() const;
  // What one-at-a-time would take: N x d, or with --urls the sum of the
  // request times (each request's own time, as if none overlapped).
  [[nodiscard]] double sequential_s() const;
  // Distinct OS threads that carried a request: observed from the records,
  // not what the model claims.
  [[nodiscard]] int threads() const;
  // Answers that came over HTTP/2, and connections the client opened (the
  // warm-ups' included).
  [[nodiscard]] std::size_t http2_answers() const;
  [[nodiscard]] long connections() const;
};

// The --json object (ARCHITECTURE.md): chapter, model, requests, ok, failed,
// delay_s, wall_s, expected_s, cpu_s, peak_rss_kb, threads,
// server_peak_in_flight, errors[{index, error}]; and, beside the contract's
// fields, http2, http2_answers, connections (the client's count),
// server_connections and server_streams (warm-ups included), warmups (how
// many). Unknowns are null.
nlohmann::json to_json(const run_result& result);

// The human report. `per_request`: one line per request (used with --urls,
// where each URL is its own story); otherwise only the failures are listed.
void print_report(std::ostream& out, const run_result& result, bool per_request);

}  // namespace inflight::harness
