// Chapter 04's program again, on a production event loop: Boost.Asio's C++20
// coroutines and Beast's HTTP/1.1 client instead of our task<T>, event_loop
// and libcurl. No Boost in this header: main, the tests and the benchmark
// include it without compiling Asio's templates (only fetch.cpp and
// http_get.cpp do, and only http_get.cpp pays for Beast).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::ch04_asio {

struct settings {
  // Worker coroutines, each taking the next URL when it is done with one;
  // empty: one worker per URL, so every request is in flight at once.
  std::optional<std::size_t> max_in_flight;
  double timeout_s = 60;  // per request: a steady_timer raced with it
};

// Every URL, on one thread: an io_context runs the workers until the last
// request has ended. One record per URL, in order, never throws for a failed
// request (the failure is in its record: "timed out after 0.2 s", "HTTP 500",
// "connect to 127.0.0.1:9: Connection refused", "resolve nosuch.invalid: ...",
// "bad URL ..."). Rethrows here, on the caller's side, anything else a
// coroutine threw (a bug, bad_alloc).
std::vector<harness::request_record> fetch_all(std::vector<std::string> urls,
                                               settings how,
                                               const harness::run_clock& clock);

}  // namespace inflight::ch04_asio
