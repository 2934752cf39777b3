// Exercise 02, step 1: the pool's workers. A copy of 02_threads/fixed_pool.cpp
// with its three functions left for you; the class, and submit (step 1d), are
// in fixed_pool.hpp beside this file. The solution is ../fixed_pool.cpp: try
// first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// Every file includes the pool by its lesson path; the build puts the starter,
// fixed_pool.hpp beside this file, in its place (see that file).
#include "02_threads/fixed_pool.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace inflight::ch02 {

// [todo:pool_constructor]
fixed_pool::fixed_pool([[maybe_unused]] std::size_t workers) {
  // TODO(exercise 02, step 1a): start `workers` threads, each running
  // work(stop) until it is asked to stop:
  //   workers_.emplace_back([this](const std::stop_token& stop) { work(stop); });
  // std::jthread passes its own stop token as the first argument when the
  // function takes one, and its destructor asks for stop and joins: that is
  // all ~fixed_pool needs (it is `= default`).
  throw std::logic_error(
      "exercise 02: the fixed_pool constructor is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.cpp");
}
// [/todo]

// [todo:enqueue]
void fixed_pool::enqueue([[maybe_unused]] std::function<void()> job) {
  // TODO(exercise 02, step 1b): push `job` onto queue_ while holding mutex_,
  // then wake one worker: queued_.notify_one(), after unlocking, so that the
  // worker it wakes does not find the lock still taken.
  throw std::logic_error(
      "exercise 02: fixed_pool::enqueue() is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.cpp");
}
// [/todo]

// [todo:work]
void fixed_pool::work([[maybe_unused]] const std::stop_token& stop) {
  // TODO(exercise 02, step 1c): the worker's loop. Repeat:
  //   - lock mutex_ and sleep on queued_ until the queue has a job or stop is
  //     asked: `queued_.wait(lock, stop, predicate)` returns false when stop
  //     was asked and the predicate still fails (the queue is empty): return;
  //   - take the front job off the queue;
  //   - run it OUTSIDE the lock, or the workers would take turns instead of
  //     running their requests at the same time.
  // A job from submit stores its value (or exception) in its future itself.
  //
  // Until you write it, every worker stops the program here: an exception
  // cannot leave a thread (it would call std::terminate), so say why, then abort.
  std::fputs(
      "exercise 02: fixed_pool::work() is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.cpp\n",
      stderr);
  std::abort();
}
// [/todo]

}  // namespace inflight::ch02
