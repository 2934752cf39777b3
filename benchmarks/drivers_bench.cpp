// Chapter 03's two drivers where they differ: answers spread over a second
// (/delay?ms=500&jitter_ms=1000, seeded, so every run draws the same delays).
// Each wake-up then finds a few sockets ready among N waiting. The poll
// driver's curl_multi_perform walks all N transfers on every wake-up; the
// socket_action driver touches only the ready ones. With /delay/1 (models_bench)
// the answers arrive together, a wake-up finds most sockets ready, and the two
// cost about the same.
#include <benchmark/benchmark.h>

#include "benchmarks/clients.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

void spread_answers(benchmark::State& state, ch03::driver driver) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, shared_server(mock::engine_kind::events),
                     {n, 1.0, n, "/delay?ms=500&jitter_ms=1000&seed=1"}, driver);
}
void poll_driver_spread(benchmark::State& state) {
  spread_answers(state, ch03::driver::poll);
}
void socket_driver_spread(benchmark::State& state) {
  spread_answers(state, ch03::driver::socket_action);
}

INFLIGHT_BENCHMARK(poll_driver_spread)->Arg(10)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(socket_driver_spread)->Arg(10)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
