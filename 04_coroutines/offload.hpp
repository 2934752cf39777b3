// to_thread: the twin of asyncio.to_thread. A blocking call (a blocking curl
// request, a sleep, a slow computation) runs on a worker thread while the
// loop thread goes on turning; the coroutine is resumed, on the loop thread,
// once the result is in. Leaves out a thread pool: each call starts its own
// thread (asyncio keeps a pool; a pool would hide the hand-over we show).
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <type_traits>

#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/task.hpp"

namespace inflight::ch04 {

// Runs `job` on a new thread and resumes the awaiting coroutine on the loop
// thread when it has returned. `job` must not throw (to_thread catches).
class worker_awaiter {
 public:
  worker_awaiter(event_loop& loop, std::function<void()> job)
      : loop_{loop}, job_{std::move(job)} {}
  worker_awaiter(const worker_awaiter&) = delete;
  worker_awaiter& operator=(const worker_awaiter&) = delete;
  // The coroutine destroyed while the worker runs (its owner gave up on it):
  // a running thread cannot be stopped, so wait for it, then take back the
  // wake-up it posted for a coroutine that is gone.
  ~worker_awaiter();
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> waiter);
  void await_resume() { worker_.join(); }  // it has posted: it is finishing

 private:
  event_loop& loop_;
  std::function<void()> job_;
  std::coroutine_handle<> waiter_;
  std::jthread worker_;  // last: joined before the job it runs is destroyed
};

// [snippet:to_thread]
// `fn` and `args` are taken by value: copies in this frame, which the worker
// reads while the coroutine is suspended, so no caller's variable can vanish
// under it.
template <typename F, typename... Args>
task<std::invoke_result_t<F&, Args&...>> to_thread(event_loop& loop, F fn, Args... args) {
  std::optional<std::invoke_result_t<F&, Args&...>> value;
  std::exception_ptr error;
  // Written on the worker, read here after the loop resumed us: post()'s
  // lock orders the two, so they never race.
  const auto job = [&]() noexcept {
    try {
      value.emplace(std::invoke(fn, args...));
    } catch (...) {
      error = std::current_exception();
    }
  };
  co_await worker_awaiter{loop, job};
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}
// [/snippet]

}  // namespace inflight::ch04
