// cpp-httplib as the delay server (peers/httplib_server.cpp): N concurrent
// GET /delay/1 from chapter 03's client, against the library's default pool,
// a pool of 8, and a pool sized to N. A pool holds as many requests in flight
// as it has threads; the rest wait for one, so N one-second requests on a pool
// of P take about N / P seconds, in waves: chapter 02's lesson, server side.
// The report puts these rows beside server_bench's, on its charts.
#include <benchmark/benchmark.h>
#include <httplib.h>  // for its version and default pool size, in the context

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "benchmarks/clients.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

constexpr double delay_s = 1.0;

// What the rows ran against, for the report's machine line.
const bool context_recorded = [] {
  benchmark::AddCustomContext(
      "cpp-httplib", std::string{CPPHTTPLIB_VERSION} + " (httplib rows; default pool " +
                         std::to_string(CPPHTTPLIB_THREAD_POOL_COUNT) + " threads)");
  return true;
}();

// One server per pool size (0: the default), started on first use.
server_process& httplib_server(std::size_t threads) {
  static std::map<std::size_t, std::unique_ptr<server_process>> servers;
  auto& slot = servers[threads];
  if (!slot)
    slot = std::make_unique<server_process>(
        HTTPLIB_SERVER_EXE,
        std::vector<std::string>{"--port", "0", "--threads", std::to_string(threads)});
  return *slot;
}

// At its defaults (its pool, and a listen backlog of 5) it is measured as it
// is: no peak is expected of it.
void httplib_default_pool(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, httplib_server(0), {n, delay_s, 1});
}
// The waves alone: a pool of 8 with the listen queue raised (--threads), so
// that every connection waits in the pool's queue and none loses its SYN.
void httplib_pool_of_8(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, httplib_server(8), {n, delay_s, std::min<std::size_t>(n, 8)});
}
void httplib_pool_of_n(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, httplib_server(n), {n, delay_s, n});
}

// At N = 1,000 a pool of 8 would take two minutes a run: its waves are plain
// at 100 already.
INFLIGHT_BENCHMARK(httplib_default_pool)->Arg(10)->Arg(100);
INFLIGHT_BENCHMARK(httplib_pool_of_8)->Arg(100);
INFLIGHT_BENCHMARK(httplib_pool_of_n)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
