// Starting or finding the server, and reporting the run.
#include "harness/session.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>

#include "harness/fd_limit.hpp"
#include "harness/process_stats.hpp"
#include "harness/server_stats.hpp"
#include "harness/text.hpp"
#include "harness/timeline.hpp"
#include "harness/trace.hpp"

namespace inflight::harness {

namespace {

constexpr std::size_t default_timeline_max = 50;  // a TTY shows it up to this N

}  // namespace

session::session(std::string chapter, run_options options, std::size_t in_flight_at_most)
    : chapter_{std::move(chapter)}, options_{std::move(options)} {
  // Before anything else: a --trace path that cannot be written costs no run.
  if (!options_.trace_file.empty()) trace_.emplace(options_.trace_file);
  if (options_.http2) {
    if (const curl_http2 curl = curl_http2_support(); !curl.supported) {
      throw std::runtime_error("--http2: this libcurl (" + curl.version +
                               ") was built without HTTP/2 (nghttp2)");
    }
  }
  ensure_descriptors(
      descriptors_for(options_, in_flight_at_most));  // before the server takes any
  if (!options_.urls.empty()) {
    urls_ = options_.urls;  // real URLs: there is no server of ours to ask
    return;
  }
  server_url_ = options_.url;
  if (server_url_.empty()) {
    server_ = std::make_unique<mock::server>(mock::server_options{});
    server_url_ = server_->url();
    std::cerr << chapter_ << ": no --url given, so started the bundled delay server ("
              << mock::to_string(server_->options().engine) << " engine) at "
              << server_url_ << "\n";
  }
  stats_known_ = reset_server_stats(server_url_);
  const std::string url = server_url_ + "/delay/" + format_number(options_.delay_s);
  urls_.assign(options_.requests, url);
}

int session::finish(const model_info& model, std::vector<request_record> records,
                    const run_clock& clock, std::vector<std::string> notes,
                    std::vector<request_record> warmups) {
  measurements measured;
  measured.wall_s = clock.now_s();  // first, before anything below adds to it
  measured.cpu_s = process_cpu_s() - clock.cpu_at_start_s();
  measured.peak_rss_kb = peak_rss_kb();
  measured.server_in_process = server_ != nullptr;
  if (stats_known_) {
    if (const auto stats = read_server_stats(server_url_)) {
      measured.server_peak_in_flight = stats_count(*stats, "peak_in_flight");
      measured.server_connections = stats_count(*stats, "connections_opened");
      measured.server_streams = stats_count(*stats, "streams");
    }
  }

  run_result result{chapter_,           model,           std::nullopt, measured,
                    std::move(records), std::move(notes)};
  result.http2 = options_.http2;
  result.warmups = std::move(warmups);
  if (options_.urls.empty()) result.delay_s = options_.delay_s;

  const bool tty = isatty(STDOUT_FILENO) != 0;
  const bool timeline =
      options_.timeline ||
      (tty && !options_.json && result.records.size() <= default_timeline_max);
  // With --json, stdout carries only the JSON: an asked-for timeline goes to stderr.
  std::ostream& timeline_out = options_.json ? std::cerr : std::cout;
  if (timeline) {
    const terminal term = detect_terminal(options_.json ? STDERR_FILENO : STDOUT_FILENO);
    if (!result.warmups.empty()) {
      timeline_out << render_timeline(
                          result.warmups, measured.wall_s, term,
                          result.warmups.size() == 1
                              ? "warm-up (--http2: one a host, not among the requests)"
                              : "warm-ups (--http2: one a host, not among the requests)")
                   << "\n";
    }
    timeline_out << render_timeline(result.records, measured.wall_s, term) << "\n";
  }
  if (options_.json) {
    std::cout << to_json(result).dump() << "\n";
  } else {
    print_report(std::cout, result, !options_.urls.empty());
  }
  int status = result.failed() > 0 ? 1 : 0;
  if (trace_) {
    try {
      trace_->write(chapter_, result.records);
    } catch (const std::exception& e) {
      std::cerr << chapter_ << ": " << e.what() << "\n";
      status = 1;
    }
  }
  return status;
}

int run_chapter(const chapter_spec& chapter, int argc, char** argv,
                const std::function<int(session&)>& body) {
  const run_options options = parse_or_exit(chapter, argc, argv);
  try {
    session run{chapter.name, options, chapter.in_flight_at_most};
    return body(run);
  } catch (const std::exception& e) {
    std::cerr << chapter.name << ": " << e.what() << "\n";
    return 1;
  }
}

model_info bounded_model(std::string name, std::size_t n,
                         std::optional<std::size_t> bound) {
  const std::size_t k = std::min(n, bound.value_or(n));
  return {std::move(name), k < n ? model_shape::pool : model_shape::concurrent, k};
}

}  // namespace inflight::harness
