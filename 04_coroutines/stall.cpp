// "await is not sleep": a coroutine that makes a blocking call holds the loop
// thread, and every other coroutine, every transfer and every timer waits
// with it. The fix is to make the call on a worker thread and co_await its
// result (to_thread). Leaves out: detecting such calls (asyncio's debug mode
// warns about any step that holds the loop longer than 100 ms).
#include <chrono>
#include <optional>

#include "01_sync/sync.hpp"
#include "04_coroutines/coroutines.hpp"
#include "04_coroutines/offload.hpp"
#include "04_coroutines/when_all.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {
namespace {

// A plain blocking GET: chapter 01's fetch_one with its own easy handle. The
// twin of calling requests.get() where aiohttp belonged.
harness::request_record blocking_get(std::string url, double timeout_s,
                                     const harness::run_clock& clock) {
  const harness::easy_handle easy = harness::make_easy();
  return ch01::fetch_one(easy.get(), 0, url, timeout_s, clock);
}

// [snippet:stall]
// The mistake: nothing else on this thread runs until blocking_get returns.
task<harness::request_record> fetch_blocking(event_loop& loop, std::string url,
                                             double timeout_s) {
  co_return blocking_get(std::move(url), timeout_s, loop.clock());
}

// The fix: the same call on a worker thread; this coroutine waits for it
// like it waits for a transfer, and the loop goes on turning meanwhile.
task<harness::request_record> fetch_offloaded(event_loop& loop, std::string url,
                                              double timeout_s) {
  co_return co_await to_thread(loop, blocking_get, std::move(url), timeout_s,
                               std::cref(loop.clock()));
}
// [/snippet]

}  // namespace

// [snippet:stall_demo]
task<stall_result> stall_demo(event_loop& loop, std::vector<std::string> urls,
                              bool offload, settings how) {
  // The probe: a timer due in 50 ms, noting when the loop got round to it.
  const steady::time_point due = steady::now() + std::chrono::milliseconds(50);
  std::optional<steady::time_point> fired;
  const event_loop::timer probe = loop.call_at(due, [&fired] { fired = steady::now(); });

  const std::size_t n = urls.size();
  semaphore limit{loop, how.max_in_flight.value_or(n)};
  std::vector<task<harness::request_record>> tasks;
  tasks.push_back(offload ? fetch_offloaded(loop, urls[0], how.timeout_s)
                          : fetch_blocking(loop, urls[0], how.timeout_s));
  for (std::size_t i = 1; i < n; ++i) {
    tasks.push_back(fetch_one(loop, limit, i, urls[i], how.timeout_s, http_options{}));
  }
  stall_result result;
  result.records = co_await when_all(std::move(tasks));
  co_await loop.sleep_until(due);  // ended within 50 ms? Then let the probe fire
  result.timer_late_s = std::chrono::duration<double>(*fired - due).count();
  co_return result;
}
// [/snippet]

}  // namespace inflight::ch04
