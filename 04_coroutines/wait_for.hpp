// wait_for: the twin of asyncio.wait_for. The work gets `timeout` to finish;
// after that its stop_source is asked to stop, wait_for waits for the work
// to wind down (so nothing is left running), and throws timeout_error.
// A coroutine cannot be killed from outside: it is asked to stop, and every
// operation that takes the stop token (http_get) honours the request.
#pragma once

#include <chrono>
#include <cmath>
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

// Seconds as a double to the loop's clock, checked: NaN is refused, and a
// timeout past what the clock can count means "no timeout".
inline steady::duration to_steady(std::chrono::duration<double> timeout) {
  if (std::isnan(timeout.count()))
    throw std::invalid_argument("wait_for: timeout is NaN");
  if (timeout <= std::chrono::duration<double>::zero()) return steady::duration::zero();
  const std::chrono::duration<double> longest = steady::duration::max();
  if (timeout >= longest) return steady::duration::max();
  return std::chrono::duration_cast<steady::duration>(timeout);
}

// [snippet:wait_for]
template <typename T>
task<T> wait_for(event_loop& loop, std::chrono::duration<double> timeout,
                 std::stop_source stop, task<T> work) {
  bool expired = false;
  // The callback refers to this frame; the timer lives in it too, so if the
  // frame goes first (its owner destroyed it mid-wait), the timer is
  // cancelled with it and never fires into freed memory.
  const event_loop::timer timer =
      loop.call_at(deadline_after(to_steady(timeout)), [&expired, &stop] {
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
  if (expired) throw timeout_error{timeout};
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}
// [/snippet]

}  // namespace inflight::ch04
