// wait_for: the twin of asyncio.wait_for. The work gets `timeout` to finish;
// after that its stop_source is asked to stop, wait_for waits for the work
// to wind down (so nothing is left running), and throws timeout_error.
// A coroutine cannot be killed from outside: it is asked to stop, and every
// operation that takes the stop token (http_get) honours the request.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <stop_token>

#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/task.hpp"
#include "harness/text.hpp"

namespace inflight::ch04 {

class timeout_error : public std::runtime_error {
 public:
  explicit timeout_error(std::chrono::duration<double> timeout)
      : std::runtime_error("timed out after " + harness::format_number(timeout.count()) +
                           " s") {}
};

// [snippet:wait_for]
template <typename T>
task<T> wait_for(event_loop& loop, std::chrono::duration<double> timeout,
                 std::stop_source stop, task<T> work) {
  bool expired = false;
  // The callback holds references into this frame: safe, because the timer
  // is cancelled below, before this frame can end.
  const timer_id timer =
      loop.call_at(steady::now() + std::chrono::duration_cast<steady::duration>(timeout),
                   [&expired, &stop] {
                     expired = true;
                     stop.request_stop();
                   });
  std::optional<T> value;
  std::exception_ptr error;
  try {
    value.emplace(co_await std::move(work));
  } catch (...) {
    error = std::current_exception();
  }
  loop.cancel(timer);
  if (expired) throw timeout_error{timeout};
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}
// [/snippet]

}  // namespace inflight::ch04
