// co_await on_pool(pool, loop, fn): run `fn` on a worker of chapter 02's pool
// while the event loop goes on turning, and resume the coroutine on the loop
// thread with its value. The twin of asyncio's
// `await loop.run_in_executor(pool, fn)`. Chapter 04's to_thread starts a
// thread per call; for CPU work a pool of one thread per core is the right
// size, however many tasks are waiting.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "02_threads/fixed_pool.hpp"
#include "04_coroutines/event_loop.hpp"

namespace inflight::ch05 {

// [snippet:pool_awaiter]
// The loop must outlive the pool: declare the pool after the loop, so that
// ~fixed_pool joins every worker, the last of which may still be posting, before
// ~event_loop runs. The loop outlives every thread that posts to it.
template <typename T>
class pool_awaiter {
 public:
  pool_awaiter(ch02::fixed_pool& pool, ch04::event_loop& loop, std::function<T()> fn)
      : pool_{pool}, loop_{loop}, fn_{std::move(fn)} {}
  pool_awaiter(const pool_awaiter&) = delete;
  pool_awaiter& operator=(const pool_awaiter&) = delete;
  // The coroutine destroyed while the job is queued or running (its owner
  // gave up on it): the job may not resume it. Not posted yet: the job is told
  // not to, and the loop stops waiting for it. Posted already: the wake-up is
  // taken back before the loop gets to it.
  ~pool_awaiter() {
    if (!waiter_ || resumed_) return;
    const std::lock_guard lock{out_->mutex};
    if (out_->posted) {
      loop_.unschedule(waiter_);
    } else {
      out_->abandoned = true;
      loop_.unexpect_post();
    }
  }

  bool await_ready() const noexcept { return false; }

  // On the loop thread: hand the job over, then announce the post to come
  // (if enqueue throws, there is nothing to wait for). enqueue, not submit:
  // the value comes back through `out_`, not a future.
  void await_suspend(std::coroutine_handle<> waiter) {
    // The job shares `out_` rather than pointing into this coroutine's frame,
    // which may be gone by the time the job ends (see the destructor).
    pool_.enqueue([fn = fn_, out = out_, &loop = loop_, waiter] {
      try {
        out->value.emplace(fn());
      } catch (...) {
        out->error = std::current_exception();
      }
      const std::lock_guard lock{out->mutex};
      if (out->abandoned) return;  // nobody to resume
      // post()'s lock makes the value written above visible to the loop thread.
      loop.post(waiter);
      out->posted = true;
    });
    waiter_ = waiter;
    loop_.expect_post();
  }

  // Back on the loop thread: the value, or the exception `fn` threw.
  T await_resume() {
    resumed_ = true;
    if (out_->error) std::rethrow_exception(out_->error);
    return std::move(*out_->value);
  }

 private:
  struct outcome {
    std::optional<T> value;
    std::exception_ptr error;
    std::mutex mutex;        // orders `posted` and `abandoned` between the threads
    bool posted = false;     // the job has posted the coroutine's wake-up
    bool abandoned = false;  // the coroutine is gone: do not post
  };

  ch02::fixed_pool& pool_;
  ch04::event_loop& loop_;
  std::function<T()> fn_;
  std::shared_ptr<outcome> out_ = std::make_shared<outcome>();
  std::coroutine_handle<> waiter_;
  bool resumed_ = false;
};

template <typename F>
pool_awaiter<std::invoke_result_t<F&>> on_pool(ch02::fixed_pool& pool,
                                               ch04::event_loop& loop, F fn) {
  return {pool, loop, std::move(fn)};
}
// [/snippet]

}  // namespace inflight::ch05
