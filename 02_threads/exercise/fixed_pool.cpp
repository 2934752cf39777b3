// Exercise 02, step 2: the pool's workers. A copy of 02_threads/fixed_pool.cpp
// with the three functions left for you; the class is in fixed_pool.hpp beside
// this file. The solution is ../fixed_pool.cpp: try first.
#include "02_threads/exercise/fixed_pool.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace inflight::ch02 {

fixed_pool::fixed_pool([[maybe_unused]] std::size_t workers) {
  // TODO(exercise 02, step 2a): start `workers` threads, each running
  // work(stop) until it is asked to stop:
  //   workers_.emplace_back([this](const std::stop_token& stop) { work(stop); });
  // std::jthread passes its own stop token as the first argument when the
  // function takes one, and its destructor asks for stop and joins: that is
  // all ~fixed_pool needs (it is `= default`).
  throw std::logic_error(
      "exercise 02: the fixed_pool constructor is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.cpp");
}

std::future<harness::request_record> fixed_pool::submit([[maybe_unused]] task job) {
  // TODO(exercise 02, step 2b): wrap `job` in a
  // std::packaged_task<harness::request_record()>, take its future, push the
  // task onto queue_ while holding mutex_, then wake one worker
  // (queued_.notify_one(), after unlocking) and return the future.
  throw std::logic_error(
      "exercise 02: fixed_pool::submit() is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.cpp");
}

void fixed_pool::work([[maybe_unused]] const std::stop_token& stop) {
  // TODO(exercise 02, step 2c): the worker's loop. Repeat:
  //   - lock mutex_ and sleep on queued_ until the queue has a task or stop is
  //     asked: `queued_.wait(lock, stop, predicate)` returns false when stop
  //     was asked and the predicate still fails (the queue is empty): return;
  //   - take the front task off the queue;
  //   - run it OUTSIDE the lock, or the workers would take turns instead of
  //     running their requests at the same time.
  // The packaged_task stores the record (or the exception) in the future.
  //
  // Until you write it, every worker stops the program here: an exception
  // cannot leave a thread (it would call std::terminate), so say why, then abort.
  std::fputs(
      "exercise 02: fixed_pool::work() is yours to write: see the TODO in "
      "02_threads/exercise/fixed_pool.cpp\n",
      stderr);
  std::abort();
}

}  // namespace inflight::ch02
