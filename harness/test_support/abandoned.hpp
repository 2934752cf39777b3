// A coroutine that starts at once and that a test destroys whenever it likes:
// the way an owner gives up on a coroutine while it waits. Tests use it to
// check that an awaiter takes back what it left with the loop (a timer, a
// place in a line, a queued wake-up) when its coroutine goes.
#pragma once

#include <coroutine>
#include <exception>
#include <utility>

namespace inflight::test_support {

struct abandoned {
  struct promise_type {
    abandoned get_return_object() {
      return abandoned{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  explicit abandoned(std::coroutine_handle<promise_type> h) : frame{h} {}
  abandoned(abandoned&& other) noexcept : frame{std::exchange(other.frame, {})} {}
  abandoned& operator=(abandoned&&) = delete;
  ~abandoned() {
    if (frame) frame.destroy();
  }
  std::coroutine_handle<promise_type> frame;
};

}  // namespace inflight::test_support
