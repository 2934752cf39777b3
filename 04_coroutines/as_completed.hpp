// as_completed: the twin of asyncio.as_completed. Starts every task at once
// and hands each one's outcome back as it ends, first ended first:
//   as_completed done{std::move(tasks)};
//   while (!done.empty()) { completed<T> c = co_await done.next(); ... }
// Leaves out: a deadline (wrap each task in wait_for) and adding tasks later.
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "04_coroutines/spawn.hpp"  // detail::drive
#include "04_coroutines/task.hpp"
#include "04_coroutines/when_all.hpp"  // outcome<T>

namespace inflight::ch04 {

// One ended task: its index in the list given, and its value or exception.
template <typename T>
struct completed {
  std::size_t index = 0;
  outcome<T> result;
};

// [snippet:as_completed]
template <typename T>
class as_completed {
 public:
  explicit as_completed(std::vector<task<T>> tasks) : state_{std::make_unique<state>()} {
    state_->left = tasks.size();
    drivers_.reserve(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i)
      drivers_.push_back(detail::drive(std::move(tasks[i]), *state_, i));
    for (detail::driver& d : drivers_) d.start();  // all in progress at once
  }

  // True once every task's outcome has been handed out by next().
  [[nodiscard]] bool empty() const { return checked().left == 0; }

  // co_await next(): the next task to end (at once if one has ended already).
  // One coroutine at a time: a second would take the first one's place.
  auto next() {
    if (empty()) throw std::logic_error("as_completed: next() after the last task");
    if (state_->awaiting) throw std::logic_error("as_completed: next() awaited twice");
    return next_awaiter{*state_};
  }

 private:
  struct state {
    std::deque<completed<T>> ended;    // ended, not yet handed out, in order of ending
    std::size_t left = 0;              // not yet handed out
    std::coroutine_handle<> awaiting;  // a coroutine in co_await next(), if any
    std::coroutine_handle<> finished(std::size_t index, outcome<T> result) {
      ended.push_back({index, std::move(result)});
      return std::exchange(awaiting, {});  // resume it next, if there is one
    }
  };
  struct next_awaiter {
    state& s;
    bool await_ready() const noexcept { return !s.ended.empty(); }
    void await_suspend(std::coroutine_handle<> awaiting) { s.awaiting = awaiting; }
    completed<T> await_resume() {
      completed<T> first = std::move(s.ended.front());
      s.ended.pop_front();
      --s.left;
      return first;
    }
  };
  const state& checked() const {
    if (!state_) throw std::logic_error("as_completed: used after a move");
    return *state_;
  }
  // The drivers report to the state: declared after it, destroyed before it.
  std::unique_ptr<state> state_;
  std::vector<detail::driver> drivers_;
};
// [/snippet]

}  // namespace inflight::ch04
