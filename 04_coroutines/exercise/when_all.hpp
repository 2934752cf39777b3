// Exercise 04: write the gather. A copy of 04_coroutines/when_all.hpp with
// when_all_settled and the two pieces it starts its tasks with (settle,
// start_all) left for you; the counter, the runner coroutine and when_all are
// given. The solution is ../when_all.hpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// when_all is given as the worked example: it is five lines on top of
// when_all_settled (wait for every outcome, then the values in order, or the
// first exception), and it shows what when_all_settled must return. The
// concurrency is all in when_all_settled: start every task at once, and resume
// the caller once the last one has ended. That is the exercise.
//
// In the exercises build this file replaces when_all.hpp wherever
// "04_coroutines/when_all.hpp" is included: fetch.cpp, stall.cpp, the tests
// and chapter 05 (cmake/exercises.cmake, HEADERS). So keep the names and
// signatures; the bodies marked TODO are yours.
//
// Run the chapter's tests against this file (docs/workshop.md, "Exercises"):
//   cmake --preset exercises && cmake --build --preset exercises
//   ctest --preset exercises -L ch04
// You are done when every ch04 test passes.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
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

// [todo:settle]
template <typename T>
runner settle([[maybe_unused]] task<T> work, [[maybe_unused]] outcome<T>& slot) {
  // TODO(exercise 04, step 2): run `work` to its end and keep what it left in
  // `slot`. `co_await std::move(work)` runs the task and gives its value, or
  // throws the exception it ended with: put the value in slot.value (emplace)
  // or, in a catch (...), the exception in slot.error
  // (std::current_exception()). An exception must not leave a runner (its
  // unhandled_exception ends the program), and one task's failure must not
  // hide the other tasks' results.
  //
  // With its first co_await this function becomes a coroutine: the compiler
  // makes the runner from runner::promise_type, and the body waits, lazily,
  // until start() resumes it. Then delete the throw below.
  throw std::logic_error(
      "exercise 04: settle() is yours to write: see the TODO in "
      "04_coroutines/exercise/when_all.hpp");
}
// [/todo]

// co_await start_all{...}: starts every runner, then suspends the parent
// unless they all ended already.
struct start_all {
  std::vector<runner>& runners;
  join_counter& join;
  bool await_ready() const noexcept { return runners.empty(); }
  // [todo:start_all]
  bool await_suspend([[maybe_unused]] std::coroutine_handle<> parent) {
    // TODO(exercise 04, step 3): `parent` is the coroutine that awaits us,
    // when_all_settled; it is suspended now, and stays so if we return true.
    //  1. Tell the counter who to resume at the end: join.set_parent(parent).
    //  2. Start every runner, r.start(join): each runs its task until the task
    //     first has to wait (or ends), then start() returns. This is where all
    //     the tasks get in flight at once.
    //  3. Give up the parent's own share of the count and return what
    //     join.parent_arrives() says. true: some runner is still running, so
    //     the parent stays suspended, and the last runner to end resumes it.
    //     false: every task ended during start(), and the parent carries on
    //     at once. Why the extra share? Without it, a task that ends inside
    //     start() could count down to zero and resume the parent while this
    //     loop is still starting the others.
    // Then delete the throw below.
    throw std::logic_error(
        "exercise 04: start_all::await_suspend() is yours to write: see the TODO "
        "in 04_coroutines/exercise/when_all.hpp");
  }
  // [/todo]
  void await_resume() const noexcept {}
};

}  // namespace detail

// [todo:when_all_settled]
template <typename T>
task<std::vector<outcome<T>>> when_all_settled(
    [[maybe_unused]] std::vector<task<T>> tasks) {
  // TODO(exercise 04, step 1): run every task at once, wait until the last has
  // ended, and return one outcome per task in the tasks' order (results[i] is
  // tasks[i]'s, whichever ends first). asyncio's gather(return_exceptions=True).
  //  1. The slots first: std::vector<outcome<T>> results(tasks.size()). Each
  //     task writes into its own slot, so the order keeps itself.
  //  2. A runner per task: detail::settle(std::move(tasks[i]), results[i]),
  //     into a std::vector<detail::runner>. Like a task, a runner is lazy:
  //     nothing runs yet.
  //  3. A detail::join_counter for that many runners, then
  //     `co_await detail::start_all{runners, join};`. It starts them all and
  //     suspends this coroutine until the last one has ended.
  //  4. co_return results.
  // Why runners, and not `co_await` each task in a loop? A coroutine awaits
  // one thing at a time: the loop would run the tasks one after another,
  // chapter 01's staircase. A runner awaits its task for us, so all of them
  // can wait at once. The slots, the runners and the counter are locals of
  // this coroutine: they live in its frame, which stays put while it is
  // suspended, so the runners may keep pointers to them.
  //
  // The tests check: results in the order of the tasks, not of their ending;
  // every request in flight at once (the server's count); every result kept
  // when one task throws; when_all rethrows only after every task has ended;
  // tasks that never suspend, and no tasks at all. Steps 2 and 3 are the two
  // pieces in detail:: above. Then delete the throw below.
  throw std::logic_error(
      "exercise 04: when_all_settled() is yours to write: see the TODO in "
      "04_coroutines/exercise/when_all.hpp");
}
// [/todo]

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

}  // namespace inflight::ch04
