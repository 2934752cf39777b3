// cpp-httplib as the delay server (peers/httplib_server.cpp): N concurrent
// GET /delay/1 from chapter 03's client, against the library's default pool
// and against a pool sized to N. A pool holds as many requests in flight as
// it has threads; the rest wait for one, so N one-second requests on a pool
// of P take about N / P seconds, in waves: chapter 02's lesson, server side.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "benchmarks/clients.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

constexpr double delay_s = 1.0;

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

// At its defaults (a pool, and a listen backlog of 5) it is measured as it
// is: no peak is expected of it.
void httplib_default_pool(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, httplib_server(0), {n, delay_s, 1});
}
void httplib_pool_of_n(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, httplib_server(n), {n, delay_s, n});
}

// At N = 1,000 the default pool would take two minutes a run: its waves are
// plain at 100 already.
INFLIGHT_BENCHMARK(httplib_default_pool)->Arg(10)->Arg(100);
INFLIGHT_BENCHMARK(httplib_pool_of_n)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
