// The CPU-bound work of this chapter: N tasks, each stepping a linear
// congruential generator (x = a*x + c, mod 2^64) K times. Deterministic and
// checkable: a task's answer has a closed form that takes 64 steps to compute,
// not K, so no run can look fast by skipping work. Leaves out memory traffic:
// the work stays in registers, so it measures cores, not caches or RAM.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "harness/record.hpp"

namespace inflight::ch05 {

struct work_spec {
  std::size_t tasks = 8;
  std::uint64_t steps = 0;  // LCG steps per task: the size of one task
};

// What one task left behind: its answer, and when and where it ran.
struct task_result {
  std::size_t index = 0;
  std::uint64_t value = 0;
  long thread = 0;  // the OS thread that computed it (harness::current_thread_id)
  double start_s = 0;
  double end_s = 0;
};

// Where task `index` starts: a different seed per task, the same every run.
std::uint64_t seed_of(std::size_t index);

// The work: `steps` multiply-adds, each needing the previous one's result, so
// neither the compiler nor the CPU can overlap or skip them.
std::uint64_t lcg_steps(std::uint64_t x, std::uint64_t steps);

// The check: where lcg_steps(x, steps) ends, in log2(steps) squarings.
std::uint64_t lcg_jump(std::uint64_t x, std::uint64_t steps);

// Computes task `index` on the calling thread, timed on `clock`.
task_result run_task(std::size_t index, std::uint64_t steps,
                     const harness::run_clock& clock);

// Every task present once, in order, with the answer lcg_jump predicts.
bool verified(const std::vector<task_result>& results, const work_spec& spec);

// How many steps take about `work_ms` of CPU on this machine, measured on the
// calling thread's CPU clock (so a busy machine does not skew it much).
std::uint64_t steps_for_ms(double work_ms);

// CPU seconds the calling thread has used so far.
double thread_cpu_s();

// How many cores this process can get right now, out of `threads`: that many
// threads spin for `window` of wall time, and the CPU time the kernel gave
// them, over the wall time, is the cores they had between them. The machine
// has hardware_concurrency() cores; on a shared machine fewer may be free,
// and a pool's speedup cannot beat what is free.
double free_cores(std::size_t threads, std::chrono::milliseconds window);

}  // namespace inflight::ch05
