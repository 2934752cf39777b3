// when_all: the twin of asyncio.gather. Starts every task, waits until all
// of them have ended, and returns their results in order. when_all_settled
// is gather(..., return_exceptions=True): an exception is one of the results
// and never hides the others. Leaves out: tasks that return void.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include "04_coroutines/task.hpp"

namespace inflight::ch04 {

// What one task left: its value, or the exception it ended with.
template <typename T>
struct outcome {
  std::optional<T> value;
  std::exception_ptr error;

  [[nodiscard]] bool ok() const { return !error; }
  T get() && {  // the value, or rethrow
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

namespace detail {

// [snippet:join]
// Counts the tasks still running. It starts at one more than their number:
// the extra one is the parent's, held until the parent has suspended, so no
// child can resume the parent while it is still starting the others.
class join_counter {
 public:
  explicit join_counter(std::size_t children) : remaining_{children + 1} {}
  std::coroutine_handle<> arrive() noexcept {
    return --remaining_ == 0 ? parent_ : std::noop_coroutine();
  }
  void set_parent(std::coroutine_handle<> parent) { parent_ = parent; }
  [[nodiscard]] bool parent_arrives() { return --remaining_ != 0; }  // true: suspend

 private:
  std::size_t remaining_;
  std::coroutine_handle<> parent_;
};

// A coroutine that runs one task into its outcome slot, then arrives at the
// counter; the last to arrive resumes the parent (symmetric transfer).
class runner {
 public:
  struct promise_type {
    join_counter* join = nullptr;
    runner get_return_object() noexcept {
      return runner{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    auto final_suspend() const noexcept {
      struct arrive {
        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(
            std::coroutine_handle<promise_type> self) const noexcept {
          return self.promise().join->arrive();
        }
        void await_resume() const noexcept {}
      };
      return arrive{};
    }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // see settle
  };

  explicit runner(std::coroutine_handle<promise_type> frame) : frame_{frame} {}
  runner(runner&& other) noexcept : frame_{std::exchange(other.frame_, {})} {}
  runner(const runner&) = delete;
  runner& operator=(const runner&) = delete;
  runner& operator=(runner&&) = delete;
  ~runner() {
    if (frame_) frame_.destroy();
  }
  void start(join_counter& join) {
    frame_.promise().join = &join;
    frame_.resume();  // runs until the task first waits, or ends
  }

 private:
  std::coroutine_handle<promise_type> frame_;
};

// [exercise:settle]
template <typename T>
runner settle(task<T> work, outcome<T>& slot) {
  try {
    slot.value.emplace(co_await std::move(work));
  } catch (...) {
    slot.error = std::current_exception();  // kept, never lost
  }
}
// [/exercise]

// co_await start_all{...}: starts every runner, then suspends the parent
// unless they all ended already.
struct start_all {
  std::vector<runner>& runners;
  join_counter& join;
  bool await_ready() const noexcept { return runners.empty(); }
  // [exercise:start_all]
  bool await_suspend(std::coroutine_handle<> parent) {
    join.set_parent(parent);
    for (runner& r : runners) r.start(join);
    return join.parent_arrives();
  }
  // [/exercise]
  void await_resume() const noexcept {}
};
// [/snippet]

}  // namespace detail

// [snippet:when_all]
// [exercise:when_all_settled]
template <typename T>
task<std::vector<outcome<T>>> when_all_settled(std::vector<task<T>> tasks) {
  std::vector<outcome<T>> results(tasks.size());
  std::vector<detail::runner> runners;
  runners.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    runners.push_back(detail::settle(std::move(tasks[i]), results[i]));
  }
  detail::join_counter join{runners.size()};
  co_await detail::start_all{runners, join};
  co_return results;
}
// [/exercise]

// Unlike asyncio.gather, an exception waits for the other tasks to end:
// when it reaches the caller, nothing the call started is still running.
template <typename T>
task<std::vector<T>> when_all(std::vector<task<T>> tasks) {
  std::vector<outcome<T>> settled = co_await when_all_settled(std::move(tasks));
  std::vector<T> values;
  values.reserve(settled.size());
  for (outcome<T>& o : settled) values.push_back(std::move(o).get());  // first error
  co_return values;
}
// [/snippet]

}  // namespace inflight::ch04
