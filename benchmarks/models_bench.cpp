// Every model on the same job: N GETs of /delay/1 against the events engine.
// Sequential stops at N = 10 (N = 100 would be 100 s a run) and a pool of 32
// at N = 100 (ceil(1000/32) = 32 s); the rest go to 10,000 where they can.
// raw_sockets is no model a chapter teaches: the same job with no HTTP library
// (raw_client.hpp), so each model's row reads against a client that adds nothing.
// The *_http2 rows are 03 (either driver) and 04 with --http2: one connection,
// N streams; their floor is h2load's row among the peers (scripts/benchmark.sh).
// asio_coroutines is 04's program on Boost.Asio + Beast (04_coroutines/asio/),
// when Boost was found: 04's row next to what a production program would use.
#include <benchmark/benchmark.h>

#include "01_sync/sync.hpp"
#include "02_threads/threads.hpp"
#include "03_curl_multi/curl_multi.hpp"
#include "04_coroutines/coroutines.hpp"
#if INFLIGHT_ASIO_TWIN
#include "04_coroutines/asio/fetch.hpp"
#endif
#include "benchmarks/clients.hpp"
#include "benchmarks/support.hpp"
#include "harness/fd_limit.hpp"

namespace inflight::bench {
namespace {

constexpr double delay_s = 1.0;
constexpr double timeout_s = 60;
constexpr std::size_t pool_workers = 32;

server_process& events() {
  return shared_server(mock::engine_kind::events);
}

std::size_t n_of(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

void sequential(benchmark::State& state) {
  const auto n = n_of(state);
  measure(state, events(), {n, delay_s, 1}, [](const auto& urls, const auto& clock) {
    return ch01::fetch_all(urls, ch01::handle_policy::reuse, timeout_s, clock);
  });
}

void thread_per_request(benchmark::State& state) {
  const auto n = n_of(state);
  harness::ensure_descriptors(harness::descriptors_needed(n, false));
  ch02::set_thread_stack_kb(ch02::default_stack_kb);
  measure(state, events(), {n, delay_s, n}, [](const auto& urls, const auto& clock) {
    ch02::thread_cost cost;
    return ch02::fetch_all_threads(urls, timeout_s, clock, cost);
  });
}

void thread_pool(benchmark::State& state) {
  const auto n = n_of(state);
  measure(state, events(), {n, delay_s, std::min(n, pool_workers)},
          [](const auto& urls, const auto& clock) {
            return ch02::fetch_all_pool(urls, pool_workers, timeout_s, clock);
          });
}

void multi_poll_driver(benchmark::State& state) {
  const auto n = n_of(state);
  measure_curl_multi(state, events(), {n, delay_s, n}, ch03::driver::poll);
}
void multi_socket_driver(benchmark::State& state) {
  const auto n = n_of(state);
  measure_curl_multi(state, events(), {n, delay_s, n}, ch03::driver::socket_action);
}

void coroutines(benchmark::State& state) {
  const auto n = n_of(state);
  harness::ensure_descriptors(harness::descriptors_needed(n, false));
  measure(state, events(), {n, delay_s, n}, [](const auto& urls, const auto& clock) {
    ch04::event_loop loop{clock};
    return loop.run(ch04::fetch_all(loop, urls, {}));
  });
}

// Chapters 03 and 04 with --http2: every request a stream of one connection.
workload one_connection(std::size_t n) {
  workload work{n, delay_s, n};
  work.one_connection = true;
  return work;
}

void multi_http2(benchmark::State& state, ch03::driver driver) {
  measure(state, events(), one_connection(n_of(state)),
          [driver](const auto& urls, const auto& clock) {
            ch03::settings how;
            how.driver = driver;
            how.http2 = true;
            return ch03::fetch_all(urls, how, clock);
          });
}
void multi_poll_http2(benchmark::State& state) {
  multi_http2(state, ch03::driver::poll);
}
void multi_socket_http2(benchmark::State& state) {
  multi_http2(state, ch03::driver::socket_action);
}

void coroutines_http2(benchmark::State& state) {
  measure(state, events(), one_connection(n_of(state)),
          [](const auto& urls, const auto& clock) {
            ch04::event_loop loop{clock};
            ch04::settings how;
            how.http2 = true;
            return loop.run(ch04::fetch_all(loop, urls, how));
          });
}

#if INFLIGHT_ASIO_TWIN
void asio_coroutines(benchmark::State& state) {
  const auto n = n_of(state);
  harness::ensure_descriptors(harness::descriptors_needed(n, false));
  measure(state, events(), {n, delay_s, n}, [](const auto& urls, const auto& clock) {
    ch04_asio::settings how;
    how.timeout_s = timeout_s;
    return ch04_asio::fetch_all(urls, how, clock);
  });
}
#endif

void raw_sockets(benchmark::State& state) {
  const auto n = n_of(state);
  measure_raw(state, events(), {n, delay_s, n});
}

INFLIGHT_BENCHMARK(sequential)->Arg(1)->Arg(10);
INFLIGHT_BENCHMARK(thread_per_request)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(thread_pool)->Arg(1)->Arg(10)->Arg(100);
INFLIGHT_BENCHMARK(multi_poll_driver)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(multi_socket_driver)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(coroutines)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(multi_poll_http2)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(multi_socket_http2)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
INFLIGHT_BENCHMARK(coroutines_http2)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);

#if INFLIGHT_ASIO_TWIN
INFLIGHT_BENCHMARK(asio_coroutines)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
#endif
INFLIGHT_BENCHMARK(raw_sockets)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace inflight::bench

BENCHMARK_MAIN();
