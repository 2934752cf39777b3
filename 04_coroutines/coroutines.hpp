// Chapter 04: every request in flight at once on one thread, written as
// coroutines; the twin of Python's
//   async def main(): return await asyncio.gather(*(fetch(u) for u in urls))
// Built from the pieces beside this file, with no coroutine library: task,
// the event loop, http_get, when_all, semaphore, wait_for and to_thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "03_curl_multi/http2.hpp"
#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/http.hpp"
#include "04_coroutines/semaphore.hpp"
#include "04_coroutines/task.hpp"
#include "harness/record.hpp"

namespace inflight::ch04 {

struct settings {
  // Permits of the semaphore every request takes first; empty: one each.
  std::optional<std::size_t> max_in_flight;
  double timeout_s = 60;  // per request, through wait_for
  bool http2 = false;     // --http2: the requests as streams of one connection
};

// One request: wait for a permit, then GET `url` with a timeout. Never
// throws for a failed request: the failure is in the record.
task<harness::request_record> fetch_one(event_loop& loop, semaphore& limit,
                                        std::size_t index, std::string url,
                                        double timeout_s, http_options options);

// Every URL at once (or K at a time); one record per URL, in order. With
// `how.http2`, one warm-up a host first, as in chapter 03 (http2.hpp): the
// warm-ups and what they showed go to `prelude` when given, and a host that
// refused HTTP/2 is named on stderr at once.
task<std::vector<harness::request_record>> fetch_all(
    event_loop& loop, std::vector<std::string> urls, settings how,
    ch03::http2_prelude* prelude = nullptr);

// The demonstration of "await is not sleep": request 0 is made with chapter
// 01's blocking fetch_one, called straight from its coroutine (offload =
// false) or through to_thread (true), while the others run as coroutines and
// a timer due 50 ms after the start measures how late the loop gets to it.
struct stall_result {
  std::vector<harness::request_record> records;
  double timer_late_s = 0;
};
task<stall_result> stall_demo(event_loop& loop, std::vector<std::string> urls,
                              bool offload, settings how);

}  // namespace inflight::ch04
