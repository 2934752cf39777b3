// The chapter's story, the twin of the asyncio + aiohttp example: a coroutine
// per request, all gathered, K at a time through a semaphore, each with a
// timeout. Leaves out retries (see the gotchas in the README).
#include <chrono>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "03_curl_multi/connections.hpp"
#include "04_coroutines/coroutines.hpp"
#include "04_coroutines/wait_for.hpp"
#include "04_coroutines/when_all.hpp"
#include "harness/process_stats.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {

// [snippet:fetch_one]
// `url` by value: the frame keeps its own copy. A const std::string& would
// point at the caller's string, which may be gone by the time this lazy task
// first runs. `loop` and `limit` by reference: both outlive every task.
task<harness::request_record> fetch_one(event_loop& loop, semaphore& limit,
                                        std::size_t index, std::string url,
                                        double timeout_s, http_options options) {
  const semaphore::permit permit = co_await limit.acquire();  // async with limit:
  const double start_s = loop.clock().now_s();
  std::string error;
  try {
    std::stop_source stop;
    harness::request_record r =
        co_await wait_for(loop, std::chrono::duration<double>(timeout_s), stop,
                          http_get(loop, url, stop.get_token(), options));
    r.index = index;
    co_return r;
  } catch (const timeout_error& e) {  // exactly as around a blocking call
    error = e.what();
  } catch (const std::runtime_error& e) {  // it could not even start: curl
    error = e.what();                      // refused the URL or an option
  }  // a logic_error (a bug of ours) is not a failed request: it propagates
  // One failure is one failed record: the other requests go on.
  harness::request_record r;
  r.index = index;
  r.url = std::move(url);
  r.start_s = start_s;
  r.end_s = loop.clock().now_s();
  r.thread = harness::current_thread_id();
  r.error = std::move(error);
  co_return r;
}
// [/snippet]

namespace {

// --http2: one warm-up a host, with prior knowledge, all at once and to the
// end, before any request (03_curl_multi/http2.hpp). Then every request joins
// its host's connection; or, when a host gave no HTTP/2 answer, the loop goes
// back to HTTP/1.1's connections (nullopt). `urls` and `how` by reference:
// fetch_all awaits this at once, and its frame holds both.
task<std::optional<ch03::h2_role>> open_http2_connections(
    event_loop& loop, const std::vector<std::string>& urls, const settings& how,
    ch03::http2_prelude* prelude) {
  loop.multiplex(how.max_in_flight.value_or(urls.size()));
  const std::vector<std::string> hosts = ch03::warmup_urls(urls);
  semaphore one_each{loop, hosts.size()};
  http_options opens;
  opens.http2 = ch03::h2_role::opens;
  std::vector<task<harness::request_record>> warmups;
  for (std::size_t i = 0; i < hosts.size(); ++i)
    warmups.push_back(fetch_one(loop, one_each, i, hosts[i], how.timeout_s, opens));
  ch03::http2_prelude seen;
  seen.warmups = co_await when_all(std::move(warmups));
  std::optional<ch03::h2_role> joins = ch03::h2_role::joins;
  if (const std::string refused = ch03::refused_http2(seen.warmups); !refused.empty()) {
    std::cerr << refused << "\n";
    seen.notes.push_back(refused);
    loop.stop_multiplexing();
    joins.reset();
  }
  if (prelude) *prelude = std::move(seen);
  co_return joins;
}

}  // namespace

// [snippet:fetch_all]
task<std::vector<harness::request_record>> fetch_all(event_loop& loop,
                                                     std::vector<std::string> urls,
                                                     settings how,
                                                     ch03::http2_prelude* prelude) {
  const std::size_t n = urls.size();
  semaphore limit{loop, how.max_in_flight.value_or(n)};
  http_options options;
  options.fresh_connection = ch03::fresh_connection_each(n, how.max_in_flight);
  // --http2: streams of one connection a host, opened first (chapter 03)
  if (how.http2)
    options.http2 = co_await open_http2_connections(loop, urls, how, prelude);

  std::vector<task<harness::request_record>> tasks;  // created, not started
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(fetch_one(loop, limit, i, urls[i], how.timeout_s, options));
  }
  co_return co_await when_all(std::move(tasks));  // asyncio.gather(*tasks)
}
// [/snippet]

}  // namespace inflight::ch04
