// Exercise 02: fetch N URLs with a fixed pool of P workers, at most P requests
// in flight. A copy of 02_threads/pool.cpp with fetch_all_pool left for you
// (step 2); the pool itself is step 1, in fixed_pool.cpp and fixed_pool.hpp
// beside this file. The solutions are ../pool.cpp, ../fixed_pool.cpp and
// ../fixed_pool.hpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// Run the chapter's tests against these files (docs/workshop.md, "Exercises"):
//   cmake --preset exercises && cmake --build --preset exercises
//   ctest --preset exercises -L ch02
// You are done when every ch02 test passes.
#include <exception>
#include <stdexcept>

#include "01_sync/sync.hpp"
#include "02_threads/fixed_pool.hpp"  // in the build: fixed_pool.hpp beside this file
#include "02_threads/threads.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch02 {

// [todo:fetch_all_pool]
std::vector<harness::request_record> fetch_all_pool(
    [[maybe_unused]] const std::vector<std::string>& urls,
    [[maybe_unused]] std::size_t workers, [[maybe_unused]] double timeout_s,
    [[maybe_unused]] const harness::run_clock& clock) {
  // TODO(exercise 02, step 2): make a fixed_pool of `workers` threads and
  // submit one task per URL; each task returns
  //   ch01::fetch_one(easy.get(), i, urls[i], timeout_s, clock)
  // Keep every future, then get() them in URL order: records[i] must be the
  // record of urls[i], whatever order the workers finish in.
  //
  // The easy handle: libcurl forbids one handle in two threads at once, and a
  // new handle per task means a new connection per task. Give each worker
  // thread its own, made on its first task and reused after:
  //   thread_local const harness::easy_handle easy = harness::make_easy();
  // Capture the lambda's arguments with care: urls and clock by reference
  // (they outlive the pool), i and timeout_s by value.
  //
  // The tests check: never more than P in flight (the server's count), at
  // least ceil(N/P) rounds of the delay, URL order, at most P connections,
  // and every failure reported with its cause. Then delete the throw below.
  throw std::logic_error(
      "exercise 02: fetch_all_pool() is yours to write: see the TODO in "
      "02_threads/exercise/pool.cpp");
}
// [/todo]

}  // namespace inflight::ch02
