// The chapter's story, the twin of the asyncio + aiohttp example: a coroutine
// per request, all gathered, K at a time through a semaphore, each with a
// timeout. Leaves out retries (see the gotchas in the README).
#include <chrono>
#include <stdexcept>

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

// [snippet:fetch_all]
task<std::vector<harness::request_record>> fetch_all(event_loop& loop,
                                                     std::vector<std::string> urls,
                                                     settings how) {
  const std::size_t n = urls.size();
  semaphore limit{loop, how.max_in_flight.value_or(n)};
  http_options options;
  options.fresh_connection = harness::fresh_connection_each(n, how.max_in_flight);
  options.http2 = how.http2;  // --http2: streams of one connection (chapter 03)

  std::vector<task<harness::request_record>> tasks;  // created, not started
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(fetch_one(loop, limit, i, urls[i], how.timeout_s, options));
  }
  co_return co_await when_all(std::move(tasks));  // asyncio.gather(*tasks)
}
// [/snippet]

}  // namespace inflight::ch04
