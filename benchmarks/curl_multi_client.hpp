// Chapter 03's client as a benchmark workload, shared by the suites that put
// it against a server (server_bench), beside the other models (models_bench)
// or against itself with the other driver (drivers_bench).
#pragma once

#include "03_curl_multi/curl_multi.hpp"
#include "03_curl_multi/fd_limit.hpp"
#include "benchmarks/support.hpp"

namespace inflight::bench {

// Every request of `work` in flight at once on one thread, driven by `driver`;
// raises the descriptor limit to fit first (or throws, naming the limit).
inline void measure_curl_multi(benchmark::State& state, server_process& server,
                               const workload& work,
                               ch03::driver driver = ch03::driver::socket_action) {
  ch03::ensure_descriptors(
      ch03::descriptors_needed(work.requests, /*server_in_process=*/false));
  measure(state, server, work,
          [driver](const auto& urls, const harness::run_clock& clock) {
            ch03::settings how;
            how.how = driver;
            return ch03::fetch_all(urls, how, clock);
          });
}

}  // namespace inflight::bench
