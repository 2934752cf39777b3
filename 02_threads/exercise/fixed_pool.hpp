// Exercise 02: the fixed pool's interface, a copy of 02_threads/fixed_pool.hpp
// with submit left for you (step 1d); the rest of step 1 is in fixed_pool.cpp
// beside this file. The solution is ../fixed_pool.hpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// In the exercises build this file replaces fixed_pool.hpp wherever
// "02_threads/fixed_pool.hpp" is included: pool.cpp, the tests and chapter 05,
// which runs its CPU tasks on your pool (cmake/exercises.cmake, HEADERS). So
// keep the public part's names and signatures; the private members are the
// solution's design, and yours to change if your design differs.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

namespace inflight::ch02 {

class fixed_pool {
 public:
  explicit fixed_pool(std::size_t workers);
  // Workers finish every job already queued, then stop and are joined: no
  // future is left without its value.
  ~fixed_pool() = default;
  fixed_pool(const fixed_pool&) = delete;
  fixed_pool& operator=(const fixed_pool&) = delete;

  // Queues `fn`; a free worker runs it. The future holds what `fn` returns,
  // or the exception it threw.
  template <typename F>
  std::future<std::invoke_result_t<F&>> submit(F fn);

  // Queues `job` as it is, with no future: submit is built on it, and so is a
  // caller that hands the result back its own way (chapter 05's co_await).
  // `job` must not throw: an exception leaving a worker ends the program.
  void enqueue(std::function<void()> job);

 private:
  void work(const std::stop_token& stop);

  std::mutex mutex_;                    // guards queue_
  std::condition_variable_any queued_;  // a job was queued, or stop was asked
  std::deque<std::function<void()>> queue_;
  // Last member: the workers start after the queue exists, and are stopped
  // and joined (by ~jthread) before it is destroyed.
  std::vector<std::jthread> workers_;
};

// [todo:submit]
template <typename F>
std::future<std::invoke_result_t<F&>> fixed_pool::submit([[maybe_unused]] F fn) {
  // TODO(exercise 02, step 1d): turn `fn` into a job for enqueue, and hand
  // back a future of its value. A std::packaged_task<R()> (R is
  // std::invoke_result_t<F&>, what `fn` returns) runs `fn` and stores its
  // value, or the exception it threw, in the future its get_future() returns.
  // The queue holds std::function<void()>, which must be copyable, and a
  // packaged_task is not: make it with std::make_shared, take its future,
  // enqueue a lambda that holds the shared_ptr and calls (*task)(), and
  // return the future. Then delete the throw below.
  throw std::logic_error(
      "exercise 02: fixed_pool::submit() is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.hpp");
}
// [/todo]

}  // namespace inflight::ch02
