// What every benchmark shares: a delay server in its own process (so this
// process's CPU and memory are the client's alone), and one measured run of a
// workload that reports the same counters for every model.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "harness/record.hpp"
#include "mock_server/server.hpp"

namespace inflight::bench {

// The compiler that built the benchmark, for the report.
#if defined(__clang__)
inline constexpr const char* compiler_version = "Clang " __clang_version__;
#else
inline constexpr const char* compiler_version = "GCC " __VERSION__;
#endif

class server_process {
 public:
  // Starts `executable args...` and reads its URL from the first line it
  // prints, "listening on http://127.0.0.1:PORT" (mock_server and
  // floor_server both do). Throws std::runtime_error when it does not start.
  server_process(const std::string& executable, std::vector<std::string> args);
  // mock_server --port 0 --quiet --engine ENGINE --threads THREADS
  explicit server_process(mock::engine_kind engine, int threads = 1024);
  ~server_process();  // SIGTERM, then waits for it
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] long peak_rss_kb() const;  // its VmHWM since the last reset
  void reset_peak_rss() const;

 private:
  pid_t pid_ = -1;
  std::string url_;
};

// One server per engine for the whole benchmark binary, started on first use.
server_process& shared_server(mock::engine_kind engine);

// benchmarks/floor_server.cpp, likewise shared and started on first use: the
// delay server with no HTTP library, for the floor rows.
server_process& shared_floor_server();

using fetch_function = std::function<std::vector<harness::request_record>(
    const std::vector<std::string>& urls, const harness::run_clock& clock)>;

struct workload {
  // `path` empty: every request asks for /delay/<delay_s>.
  workload(std::size_t requests, double delay_s, std::size_t expected_peak,
           std::string path = {})
      : requests{requests},
        delay_s{delay_s},
        expected_peak{expected_peak},
        path{std::move(path)} {}

  std::size_t requests;
  double delay_s;
  // The server's peak in flight a correct run reaches; below it the server did
  // not keep up (or the model did not do what it claims): the run is skipped.
  std::size_t expected_peak;
  std::string path;  // the path every request asks for
  // HTTP/2 rows: every request a stream of one connection. A run whose server
  // counted more connections fell back (03_curl_multi/HTTP2.md): it is skipped.
  bool one_connection = false;
};

// Runs `fetch` once per benchmark iteration and sets the counters:
// requests_per_s, cpu_per_request_us, peak_rss_kb (client), server_rss_kb,
// threads, server_peak, queue_p99_ms, connections (the server's count),
// load_avg (the machine's, after the run). A run with a failed request, an
// answer to /delay/S sooner than S, a server peak below `expected_peak`, or
// (HTTP/2) more than one connection is marked skipped: counter `skipped` = 1
// and the reason in its label, which the report shows in place of its figures.
void measure(benchmark::State& state, server_process& server, const workload& work,
             const fetch_function& fetch);

// How every request suite registers a benchmark: one measured run per
// repetition (a run is seconds of waiting, not a loop to average), on the
// wall clock, since the time is spent waiting and not on this CPU.
#define INFLIGHT_BENCHMARK(fn) \
  BENCHMARK(fn)->UseRealTime()->Iterations(1)->Unit(benchmark::kMillisecond)

}  // namespace inflight::bench
