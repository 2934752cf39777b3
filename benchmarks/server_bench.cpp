// The delay server under load: N concurrent GET /delay/1 from chapter 03's
// socket_action client, on each engine. Answers "can the server hold N in
// flight and answer them on time?" (issue targets: events N=1,000 <= 1.15 s,
// N=10,000 <= 2.0 s and <= 64 MB; threads N=100 <= 1.05 s, N=1,000 <= 1.3 s).
// The floor rows say what the machine allows, with no HTTP library on one side
// (floor_server: 03's client against floor_server.cpp) or on either side
// (floor_both: raw_client.hpp against floor_server.cpp, the loopback's floor).
#include <benchmark/benchmark.h>

#include "benchmarks/clients.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {
namespace {

constexpr double delay_s = 1.0;

void curl_client_against(benchmark::State& state, server_process& server) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_curl_multi(state, server, {n, delay_s, n});
}

void events_engine(benchmark::State& state) {
  curl_client_against(state, shared_server(mock::engine_kind::events));
}
void threads_engine(benchmark::State& state) {
  curl_client_against(state, shared_server(mock::engine_kind::threads));
}
void floor_server(benchmark::State& state) {
  curl_client_against(state, shared_floor_server());
}
void floor_both(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  measure_raw(state, shared_floor_server(), {n, delay_s, n});
}

INFLIGHT_BENCHMARK(events_engine)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(threads_engine)->Arg(10)->Arg(100)->Arg(1000);
INFLIGHT_BENCHMARK(floor_server)->Arg(10)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(floor_both)->Arg(10)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
