#include "tour/chapters.hpp"

#include <algorithm>

namespace inflight::tour {

// A pool smaller than N, so the waves of ceil(N/P) are visible: with the
// default 10 requests, a wave of 6 and a partial wave of 4 (2 x the delay).
constexpr std::size_t pool_size = 6;

// 05's mixed demo needs requests in flight while the CPU tasks run, not the
// tour's full delay: a shorter one shows the same loop lag in less time.
constexpr double cpu_demo_delay_s = 0.1;

std::vector<chapter_run> chapter_runs(std::size_t requests, double delay_s) {
  const std::string p = std::to_string(std::min(pool_size, requests));
  std::vector<chapter_run> runs{
      {"01 sequential",
       "01_sync",
       {},
       "one at a time: the program waits for each answer"},
      {"02 thread per request", "02_threads", {}, "all wait together, one thread each"},
      {"02 pool of " + p + " threads",
       "02_threads",
       {"--max-in-flight", p},
       "waves of " + p + ": ceil(N/" + p + ") x the delay"},
      {"03 curl multi", "03_curl_multi", {}, "all in flight on one thread"},
      {"03 over HTTP/2",
       "03_curl_multi",
       {"--http2"},
       "all in flight as streams of one connection"},
      {"04 coroutines", "04_coroutines", {}, "co_await: reads like 01, runs like 03"},
      // Not requests but CPU tasks: its rows get their own section of the table.
      // 4 tasks of 30 ms: enough to see the speedup, short enough for a tour.
      {"05 CPU-bound",
       "05_cpu_bound",
       {"--tasks", "4", "--work-ms", "30"},
       "concurrency is not parallelism",
       false,
       std::min(delay_s, cpu_demo_delay_s)},
  };
#if INFLIGHT_ASIO_TWIN
  // 04's program on Boost.Asio + Beast (04_coroutines/asio/), when Boost was
  // found at build time: after 04's row, before 05's, the last.
  runs.insert(runs.end() - 1,
              {"04 on Boost.Asio", "04_asio", {}, "04's program on a production loop"});
#endif
  return runs;
}

std::vector<chapter_run> peer_runs() {
  // Debian's python3, where scripts/setup.sh --peers installs requests and aiohttp.
  const std::string python = "/usr/bin/python3";
  const std::string dir = INFLIGHT_PEERS_DIR;  // the sources' benchmarks/peers
  return {{"Python requests loop",
           dir + "/sync_requests.py",
           {},
           "the original lesson's blocking loop: 01 in Python",
           false,
           std::nullopt,
           python},
          {"Python asyncio gather",
           dir + "/async_aiohttp.py",
           {},
           "the original lesson's asyncio + aiohttp: 04 in Python",
           false,
           std::nullopt,
           python}};
}

}  // namespace inflight::tour
