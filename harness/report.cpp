// Summarising and printing a run.
#include "harness/report.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "harness/text.hpp"

namespace inflight::harness {

namespace {

constexpr std::size_t max_errors_listed = 10;  // past this, a count says the rest

std::string expected_formula(const model_info& model) {
  switch (model.shape) {
    case model_shape::sequential:
      return "N x d, one at a time";
    case model_shape::pool:
      return "ceil(N/P) x d, P = " + std::to_string(model.pool_size) + " at a time";
    case model_shape::concurrent:
      return "d, all at once";
  }
  return {};
}

std::string seconds(double s) {
  return format_fixed(s, 3) + " s";
}

void print_request(std::ostream& out, const request_record& r) {
  out << "    #" << padded(std::to_string(r.index), 5)
      << padded(r.status != 0 ? std::to_string(r.status) : "---", 5)
      << padded(std::to_string(r.bytes) + " B", 11)
      << padded(seconds(r.end_s - r.start_s), 10) << r.url;
  if (!r.ok()) out << "  " << r.error;
  out << "\n";
}

}  // namespace

std::size_t run_result::ok() const {
  return static_cast<std::size_t>(std::count_if(
      records.begin(), records.end(), [](const request_record& r) { return r.ok(); }));
}

std::optional<double> run_result::expected_s() const {
  if (!delay_s) return std::nullopt;
  const auto n = static_cast<double>(records.size());
  switch (model.shape) {
    case model_shape::sequential:
      return n * *delay_s;
    case model_shape::pool:
      return std::ceil(n / static_cast<double>(model.pool_size)) * *delay_s;
    case model_shape::concurrent:
      return *delay_s;
  }
  return std::nullopt;
}

double run_result::sequential_s() const {
  if (delay_s) return static_cast<double>(records.size()) * *delay_s;
  double sum = 0;
  for (const request_record& r : records) sum += r.end_s - r.start_s;
  return sum;
}

int run_result::threads() const {
  std::set<long> ids;
  for (const request_record& r : records) ids.insert(r.thread);
  return static_cast<int>(ids.size());
}

std::size_t run_result::http2_answers() const {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(),
                    [](const request_record& r) { return r.http_major == 2; }));
}

long run_result::connections() const {
  long sum = 0;
  for (const request_record& r : records) sum += r.connections;
  for (const request_record& w : warmups) sum += w.connections;
  return sum;
}

nlohmann::json to_json(const run_result& result) {
  nlohmann::json errors = nlohmann::json::array();
  for (const request_record& r : result.records) {
    if (!r.ok()) errors.push_back({{"index", r.index}, {"error", r.error}});
  }
  const auto or_null = [](const auto& optional) {
    return optional ? nlohmann::json(*optional) : nlohmann::json(nullptr);
  };
  return {{"chapter", result.chapter},
          {"model", result.model.name},
          {"requests", result.records.size()},
          {"ok", result.ok()},
          {"failed", result.failed()},
          {"delay_s", or_null(result.delay_s)},
          {"wall_s", result.measured.wall_s},
          {"expected_s", or_null(result.expected_s())},
          {"cpu_s", result.measured.cpu_s},
          {"peak_rss_kb", result.measured.peak_rss_kb},
          {"threads", result.threads()},
          {"server_peak_in_flight", or_null(result.measured.server_peak_in_flight)},
          {"http2", result.http2},
          {"http2_answers", result.http2_answers()},
          {"connections", result.connections()},
          {"server_connections", or_null(result.measured.server_connections)},
          {"server_streams", or_null(result.measured.server_streams)},
          {"warmups", result.warmups.size()},
          {"errors", errors}};
}

namespace {

// What --http2 did, from both ends: the answers that came over HTTP/2 (the
// client's count) and the connections and streams the server saw. A run that
// fell back to HTTP/1.1 or to many connections says so here, never silently.
void print_http2(std::ostream& out, const run_result& result) {
  const measurements& m = result.measured;
  const std::size_t answers = result.http2_answers();
  out << "  http/2       " << answers << " of " << result.records.size()
      << " answers came over HTTP/2";
  if (m.server_connections && m.server_streams) {
    out << "; the server saw " << *m.server_streams
        << (*m.server_streams == 1 ? " stream on " : " streams on ")
        << *m.server_connections
        << (*m.server_connections == 1 ? " connection" : " connections");
    if (!result.warmups.empty() && *m.server_streams > 0) {
      out << " (" << result.warmups.size()
          << (result.warmups.size() == 1 ? " warm-up" : " warm-ups") << " among them)";
    }
  }
  out << "\n";
  const std::size_t answered = static_cast<std::size_t>(
      std::count_if(result.records.begin(), result.records.end(),
                    [](const request_record& r) { return r.http_major != 0; }));
  const bool refused =
      std::any_of(result.warmups.begin(), result.warmups.end(),
                  [](const request_record& w) { return w.http_major != 2; });
  if (refused) {
    // The chapter's own note names the host and why.
    out << "  fell back    a host gave no HTTP/2 answer: the run went on over HTTP/1.1\n";
  } else if (answers < answered) {
    out << "  fell back    " << answered - answers
        << " answers came over HTTP/1.1: their streams were refused, or lost their "
           "HTTP/2 connection, and libcurl retried them over HTTP/1.1 "
           "(03_curl_multi/HTTP2.md)\n";
  } else if (m.server_connections && *m.server_connections > 1 &&
             result.records.size() > 1) {
    out << "  note         HTTP/2 over " << *m.server_connections
        << " connections, not one (fresh handles, the server's stream limit, or "
           "transfers that did not wait for the first connection)\n";
  }
}

}  // namespace

void print_report(std::ostream& out, const run_result& result, bool per_request) {
  const measurements& m = result.measured;
  out << result.chapter << ": " << result.model.name << "\n"
      << "  requests     " << result.records.size() << ": " << result.ok() << " ok, "
      << result.failed() << " failed\n"
      << "  wall time    " << seconds(m.wall_s) << "\n";
  // Expected time, speedup and connections describe requests that got their
  // answers: against a run with failures (a timeout, a refused connection)
  // they would compare numbers that mean nothing, so they are left out.
  const bool all_ok = result.failed() == 0;
  const auto expected = result.expected_s();
  if (all_ok && expected && *expected > 0) {  // --delay 0: nothing to compare
    const double off = (m.wall_s / *expected - 1) * 100;
    out << "  expected     " << seconds(*expected) << " ("
        << expected_formula(result.model) << "): " << format_fixed(std::abs(off), 1)
        << (off >= 0 ? "% over" : "% under") << "\n";
  }
  if (all_ok && result.sequential_s() > 0 && m.wall_s > 0) {
    out << "  speedup      " << format_fixed(result.sequential_s() / m.wall_s, 2)
        << "x against one at a time (" << seconds(result.sequential_s())
        << (result.delay_s ? "" : ", the sum of the times") << ")\n";
  }
  out << "  cpu time     " << seconds(m.cpu_s) << " user+sys"
      << (m.server_in_process ? " (whole process: includes the in-process server)" : "")
      << "\n"
      << "  peak rss     " << format_fixed(static_cast<double>(m.peak_rss_kb) / 1024, 1)
      << " MiB\n"
      << "  threads      " << result.threads() << " carried the requests\n"
      << "  server peak  "
      << (m.server_peak_in_flight ? std::to_string(*m.server_peak_in_flight) +
                                        " in flight at once (the server's /stats)"
                                  : std::string("unknown (no /stats to ask)"))
      << "\n";
  if (all_ok) out << "  connections  " << result.connections() << " opened\n";
  if (result.http2) print_http2(out, result);
  for (const std::string& note : result.notes) out << "  " << note << "\n";

  if (per_request) {
    out << "  per request:  index status bytes time url\n";
    for (const request_record& r : result.records) print_request(out, r);
    return;
  }
  std::size_t listed = 0;
  for (const request_record& r : result.records) {
    if (r.ok()) continue;
    if (listed++ == max_errors_listed) {
      out << "    ... and " << result.failed() - max_errors_listed << " more failures\n";
      break;
    }
    if (listed == 1) out << "  failures:\n";
    print_request(out, r);
  }
}

}  // namespace inflight::harness
