// The two clients the suites put against a server, as benchmark workloads:
// chapter 03's (server_bench, models_bench, drivers_bench) and the raw floor
// client with no HTTP library (server_bench, models_bench). Both raise the
// descriptor limit to fit before the clock starts.
#pragma once

#include "03_curl_multi/curl_multi.hpp"
#include "benchmarks/raw_client.hpp"
#include "benchmarks/support.hpp"
#include "harness/fd_limit.hpp"

namespace inflight::bench {

// Every request of `work` in flight at once on one thread, driven by `driver`;
// raises the descriptor limit to fit first (or throws, naming the limit).
inline void measure_curl_multi(benchmark::State& state, server_process& server,
                               const workload& work,
                               ch03::driver driver = ch03::driver::socket_action) {
  harness::ensure_descriptors(
      harness::descriptors_needed(work.requests, /*server_in_process=*/false));
  measure(state, server, work,
          [driver](const auto& urls, const harness::run_clock& clock) {
            ch03::settings how;
            how.driver = driver;
            return ch03::fetch_all(urls, how, clock);
          });
}

// The same with the raw client (fetch_all_raw checks the limit again, cheaply,
// for its other callers), and chapter 03's default timeout.
inline void measure_raw(benchmark::State& state, server_process& server,
                        const workload& work) {
  harness::ensure_descriptors(
      harness::descriptors_needed(work.requests, /*server_in_process=*/false));
  measure(state, server, work, [](const auto& urls, const harness::run_clock& clock) {
    return fetch_all_raw(urls, ch03::settings{}.timeout_s, clock);
  });
}

}  // namespace inflight::bench
