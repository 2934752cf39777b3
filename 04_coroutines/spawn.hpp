// create_task: the twin of asyncio.create_task. Where a task<T> is lazy, this
// starts one at once (it runs until its first co_await that waits) and hands
// back a spawned<T>, to co_await later, after other work, for the task's value
// or its exception. Awaited twice, or moved from, it throws std::logic_error,
// as a task<T> does. Leaves out: detaching (a spawned<T> owns its task, and
// destroying it before the task ended destroys the task where it waits, as
// dropping an un-awaited asyncio task cancels it).
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "04_coroutines/task.hpp"
#include "04_coroutines/when_all.hpp"  // outcome<T>

namespace inflight::ch04 {

namespace detail {

// A coroutine that runs one task to its end and hands its outcome to a sink:
// `sink.finished(index, outcome)` keeps it and says whom to resume next. The
// driver then stays suspended for good; its owner destroys its frame.
class driver {
 public:
  struct promise_type {
    driver get_return_object() noexcept {
      return driver{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }  // not reached
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // see drive()
  };

  explicit driver(std::coroutine_handle<promise_type> frame) : frame_{frame} {}
  driver(driver&& other) noexcept : frame_{std::exchange(other.frame_, {})} {}
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;
  driver& operator=(driver&&) = delete;
  ~driver() {
    if (frame_) frame_.destroy();  // with it the task it drives, wherever it waits
  }
  void start() { frame_.resume(); }  // runs until the task first waits, or ends

 private:
  std::coroutine_handle<promise_type> frame_;
};

// co_await hand_over{next}: suspend for good and resume `next` in our place
// (symmetric transfer), or return to whoever resumed us when it is null.
struct hand_over {
  std::coroutine_handle<> next;
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept {
    return next ? next : std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

// `sink` by reference: its owner keeps it alive, and at a fixed address, for
// as long as this driver's frame exists.
template <typename T, typename Sink>
driver drive(task<T> work, Sink& sink, std::size_t index) {
  outcome<T> result;
  try {
    result.value.emplace(co_await std::move(work));
  } catch (...) {
    result.error = std::current_exception();  // kept for whoever awaits it
  }
  co_await hand_over{sink.finished(index, std::move(result))};
}

}  // namespace detail

// [snippet:spawned]
template <typename T>
class spawned {
 public:
  explicit spawned(task<T> work)
      : state_{std::make_unique<state>()},
        driver_{detail::drive(std::move(work), *state_, 0)} {
    driver_.start();  // asyncio.create_task: it runs now, until it first waits
  }

  // co_await on it: the task's value, or its exception rethrown here. Ended
  // already: no suspension. Else the task resumes us when it ends.
  bool await_ready() const { return checked().result.has_value(); }
  void await_suspend(std::coroutine_handle<> awaiting) {
    // One awaiter: a second would take the first one's place, and the first
    // would never resume.
    if (state_->awaiting)
      throw std::logic_error("co_await on a spawned task twice at once");
    state_->awaiting = awaiting;
  }
  T await_resume() {
    if (std::exchange(state_->taken, true))
      throw std::logic_error("co_await on a spawned task that was awaited already");
    return std::move(*state_->result).get();
  }

 private:
  struct state {
    std::optional<outcome<T>> result;  // set once the task has ended
    std::coroutine_handle<> awaiting;  // whoever co_awaits us, once someone does
    bool taken = false;                // its result was handed out
    std::coroutine_handle<> finished(std::size_t, outcome<T> r) {
      result.emplace(std::move(r));
      return awaiting;  // null while nobody awaits: the driver just stops
    }
  };
  const state& checked() const {
    if (!state_) throw std::logic_error("co_await on a moved-from spawned task");
    return *state_;
  }
  // The driver reports to the state: declared after it, destroyed before it.
  std::unique_ptr<state> state_;
  detail::driver driver_;
};

// asyncio.create_task(coro): `auto t = create_task(fetch(...));` ... `co_await t;`
template <typename T>
[[nodiscard]] spawned<T> create_task(task<T> work) {
  return spawned<T>{std::move(work)};
}
// [/snippet]

}  // namespace inflight::ch04
