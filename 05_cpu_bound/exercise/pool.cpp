// Exercise 05, step 1: parallelism. Spread the tasks over chapter 02's fixed
// pool of P threads. A copy of 05_cpu_bound/pool.cpp with the submitting left
// for you; the pool is ch02::fixed_pool (02_threads/fixed_pool.hpp), the one
// you wrote in exercise 02. Step 2, the same pool used from the event loop, is
// in mixed.cpp beside this file. The solutions are ../pool.cpp and
// ../mixed.cpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// Run the chapter's tests against these files (docs/workshop.md, "Exercises"):
//   cmake --preset exercises && cmake --build --preset exercises
//   ctest --preset exercises -L ch05
// You are done when every ch05 test passes. In the exercises build chapter 05
// runs on your code from earlier exercises too: the pool is exercise 02's, and
// the coroutines and the mixed demo gather with exercise 04's when_all. Do
// those first (docs/workshop.md says how to skip them).
#include <future>
#include <stdexcept>

#include "02_threads/fixed_pool.hpp"
#include "05_cpu_bound/cpu_bound.hpp"

namespace inflight::ch05 {

// [todo:run_on_pool]
way_result run_on_pool([[maybe_unused]] const work_spec& spec, std::size_t threads) {
  way_result result;
  result.way = "pool";
  result.model = "a fixed pool of " + std::to_string(threads) + " threads";
  const harness::run_clock clock;
  // TODO(exercise 05, step 1): make a ch02::fixed_pool of `threads` workers
  // and give it one job per task: a lambda that returns
  // run_task(i, spec.steps, clock), the task_result of task i. pool.submit(job)
  // queues it and returns a std::future<task_result> at once. Keep every future; once all
  // are submitted, get() them in order into result.tasks (result.tasks[i] is task i's,
  // whichever worker finishes first). A get() right after each submit would wait for one
  // task before queueing the next: sequential again.
  //
  // Mind the captures, because the job runs later, on a worker: `i` by value
  // (the loop moves on before the job runs); `spec` and `clock` by reference,
  // which is safe because both outlive the pool: it is made after them, and
  // its destructor waits for every job queued.
  //
  // The tests check: every answer verified and the same as the sequential
  // way's, and exactly P threads ran the tasks for P = 1, 2 and 3 (observed:
  // each task_result notes its thread). Then delete the throw below.
  throw std::logic_error(
      "exercise 05: run_on_pool() is yours to write: see the TODO in "
      "05_cpu_bound/exercise/pool.cpp");
  stop_clock(result, clock);
  return result;
}
// [/todo]

}  // namespace inflight::ch05
