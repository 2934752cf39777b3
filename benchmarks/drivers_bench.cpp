// Chapter 03's two drivers where they differ: answers spread over a second
// (/delay?ms=500&jitter_ms=1000, seeded, so every run draws the same delays).
// Each wake-up then finds a few sockets ready among N waiting. The poll
// driver's curl_multi_perform walks all N transfers on every wake-up; the
// socket_action driver touches only the ready ones. With /delay/1 (models_bench)
// the answers arrive together, a wake-up finds most sockets ready, and the two
// cost about the same.
#include <benchmark/benchmark.h>

#include "03_curl_multi/curl_multi.hpp"
#include "03_curl_multi/fd_limit.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

void spread_answers(benchmark::State& state, ch03::driver driver) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ch03::ensure_descriptors(ch03::descriptors_needed(n, /*server_in_process=*/false));
  const workload work{n, 1.0, n, "/delay?ms=500&jitter_ms=1000&seed=1"};
  measure(state, shared_server(mock::engine_kind::events), work,
          [driver](const auto& urls, const harness::run_clock& clock) {
            ch03::settings how;
            how.how = driver;
            return ch03::fetch_all(urls, how, clock);
          });
}
void poll_driver_spread(benchmark::State& state) {
  spread_answers(state, ch03::driver::poll);
}
void socket_driver_spread(benchmark::State& state) {
  spread_answers(state, ch03::driver::socket_action);
}

#define INFLIGHT_DRIVER(fn) \
  BENCHMARK(fn)->UseRealTime()->Iterations(1)->Unit(benchmark::kMillisecond)

INFLIGHT_DRIVER(poll_driver_spread)->Arg(10)->Arg(1000)->Arg(10000);
INFLIGHT_DRIVER(socket_driver_spread)->Arg(10)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
