// task<T>: what a coroutine of this chapter returns. Lazy (its body does not
// start until someone co_awaits it), move-only (one owner destroys the frame),
// and an exception thrown inside reaches whoever co_awaits it. Leaves out:
// task<void> (every task here returns a value), custom allocators, and
// resuming on another thread (every task runs on the event loop's thread).
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace inflight::ch04 {

template <typename T>
class task;
class event_loop;

namespace detail {

// What every task's promise holds besides its value: who to resume when the
// body ends, and whether that someone is still on the stack below us.
struct promise_base {
  std::coroutine_handle<> continuation;  // the coroutine co_awaiting this task
  bool awaiter_on_stack = false;         // see task::await_suspend
  bool started = false;                  // a task runs once: see task::claim
  std::exception_ptr error;

  // [snippet:final_suspend]
  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    // Symmetric transfer: returning a handle tells the compiler "resume this
    // one next, in place of me", instead of a call that would nest.
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      const promise_base& p = self.promise();
      // Finished without ever suspending: the awaiter is still inside its
      // await_suspend, below us on this stack. Returning to it is enough.
      if (p.awaiter_on_stack || !p.continuation) return std::noop_coroutine();
      return p.continuation;
    }
    void await_resume() const noexcept {}
  };
  // [/snippet]

  std::suspend_always initial_suspend() const noexcept { return {}; }  // lazy
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <typename T>
struct promise : promise_base {
  std::optional<T> value;

  task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& result) {
    value.emplace(std::forward<U>(result));
  }
  T result() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::promise<T>;

  explicit task(std::coroutine_handle<promise_type> frame) : frame_{frame} {}
  task(task&& other) noexcept : frame_{std::exchange(other.frame_, {})} {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (frame_) frame_.destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  // Destroying a task destroys its frame, and with it the frame's locals.
  ~task() {
    if (frame_) frame_.destroy();
  }

  // [snippet:await_task]
  bool await_ready() const { return false; }  // lazy: never started yet

  // Starts the child with a plain call that returns when the child first
  // suspends or ends. Ended already: return false, and the awaiter carries
  // on at once without a transfer. A child that ended synchronously thus
  // never nests: a loop of a million such co_awaits uses a constant stack on
  // every compiler (see docs/compilers.md for why we do not start
  // the child by symmetric transfer as well).
  bool await_suspend(std::coroutine_handle<> awaiter) {
    promise_type& child = claim();
    child.continuation = awaiter;
    child.awaiter_on_stack = true;
    frame_.resume();
    child.awaiter_on_stack = false;
    return !frame_.done();  // still running: suspend; final_suspend resumes us
  }

  // The child's value, or its exception rethrown here, in the awaiter.
  T await_resume() { return frame_.promise().result(); }
  // [/snippet]

 private:
  friend class event_loop;  // starts the outermost task without awaiting it

  // A task runs once: awaiting a moved-from task, or one that already ran,
  // would resume a frame that is gone or finished (undefined behaviour), so
  // it throws instead, in the coroutine that made the mistake.
  promise_type& claim() {
    if (!frame_) throw std::logic_error("co_await on a moved-from task");
    promise_type& p = frame_.promise();
    if (p.started) throw std::logic_error("co_await on a task that already ran");
    p.started = true;
    return p;
  }
  std::coroutine_handle<> start_outermost() {
    claim();
    return frame_;
  }

  std::coroutine_handle<promise_type> frame_;
};

namespace detail {

template <typename T>
task<T> promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<promise<T>>::from_promise(*this)};
}

}  // namespace detail
}  // namespace inflight::ch04
