// The delay server under load: N concurrent GET /delay/1 from chapter 03's
// socket_action client, on each engine. Answers "can the server hold N in
// flight and answer them on time?" (issue targets: events N=1,000 <= 1.15 s,
// N=10,000 <= 2.0 s and <= 64 MB; threads N=100 <= 1.05 s, N=1,000 <= 1.3 s).
#include <benchmark/benchmark.h>

#include "03_curl_multi/curl_multi.hpp"
#include "03_curl_multi/fd_limit.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

void server_under_load(benchmark::State& state, mock::engine_kind engine) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ch03::ensure_descriptors(ch03::descriptors_needed(n, /*server_in_process=*/false));
  measure(state, shared_server(engine), {n, 1.0, n},
          [](const auto& urls, const harness::run_clock& clock) {
            return ch03::fetch_all(urls, ch03::settings{}, clock);
          });
}

void events_engine(benchmark::State& state) {
  server_under_load(state, mock::engine_kind::events);
}
void threads_engine(benchmark::State& state) {
  server_under_load(state, mock::engine_kind::threads);
}

BENCHMARK(events_engine)
    ->Arg(10)
    ->Arg(1000)
    ->Arg(10000)
    ->UseRealTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(threads_engine)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
