// The task, its check, and the calibration that turns --work-ms into steps.
#include "05_cpu_bound/workload.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "harness/process_stats.hpp"

namespace inflight::ch05 {
namespace {

// Knuth's MMIX constants: a full-period generator modulo 2^64.
constexpr std::uint64_t multiplier = 6364136223846793005ULL;
constexpr std::uint64_t increment = 1442695040888963407ULL;

// Calibration runs until this much CPU time, long enough that the clock's
// resolution and one interruption do not matter, short enough not to notice.
constexpr double calibration_s = 0.02;

}  // namespace

std::uint64_t seed_of(std::size_t index) {
  return 0x9E3779B97F4A7C15ULL * (index + 1);  // spread the seeds apart
}

// [snippet:work]
std::uint64_t lcg_steps(std::uint64_t x, std::uint64_t steps) {
  for (std::uint64_t i = 0; i < steps; ++i) x = multiplier * x + increment;
  return x;
}
// [/snippet]

// Brown's "random number generation with arbitrary strides" (1994): K steps
// of x -> a*x + c are one step of x -> A*x + C, and A, C follow by squaring.
std::uint64_t lcg_jump(std::uint64_t x, std::uint64_t steps) {
  std::uint64_t total_mult = 1;
  std::uint64_t total_add = 0;
  std::uint64_t mult = multiplier;  // one step of 1, 2, 4, 8... steps
  std::uint64_t add = increment;
  for (; steps > 0; steps >>= 1) {
    if ((steps & 1) != 0) {
      total_mult *= mult;
      total_add = total_add * mult + add;
    }
    add *= mult + 1;
    mult *= mult;
  }
  return total_mult * x + total_add;
}

task_result run_task(std::size_t index, std::uint64_t steps,
                     const harness::run_clock& clock) {
  task_result r;
  r.index = index;
  r.start_s = clock.now_s();
  r.value = lcg_steps(seed_of(index), steps);
  r.end_s = clock.now_s();
  r.thread = harness::current_thread_id();
  return r;
}

bool verified(const std::vector<task_result>& results, const work_spec& spec) {
  if (results.size() != spec.tasks) return false;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const task_result& r = results[i];
    if (r.index != i || r.value != lcg_jump(seed_of(i), spec.steps)) return false;
  }
  return true;
}

double thread_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

std::uint64_t steps_for_ms(double work_ms) {
  // Double the steps until a run takes long enough to time, then scale.
  for (std::uint64_t steps = 1U << 16;; steps *= 2) {
    const double start = thread_cpu_s();
    const std::uint64_t end = lcg_steps(seed_of(0), steps);
    const double took = thread_cpu_s() - start;
    // Checking the answer also keeps the optimiser from dropping the loop.
    if (end != lcg_jump(seed_of(0), steps))
      throw std::logic_error("lcg_steps and lcg_jump disagree");
    if (took >= calibration_s) {
      const double per_ms = static_cast<double>(steps) / (took * 1000);
      return std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(std::llround(per_ms * work_ms)));
    }
  }
}

double free_cores(std::size_t threads, std::chrono::milliseconds window) {
  using steady = std::chrono::steady_clock;
  std::vector<double> cpu(threads, 0);
  const auto start = steady::now();
  const auto until = start + window;
  {
    std::vector<std::jthread> spinners;
    for (std::size_t i = 0; i < threads; ++i) {
      spinners.emplace_back([&cpu, i, until] {
        const double begin = thread_cpu_s();
        while (steady::now() < until) {
          // Busy: reading the clock (in user space, no system call) is work.
        }
        cpu[i] = thread_cpu_s() - begin;
      });
    }
  }  // joined
  const double wall = std::chrono::duration<double>(steady::now() - start).count();
  double total = 0;
  for (const double c : cpu) total += c;
  return wall > 0 ? std::min(static_cast<double>(threads), total / wall) : 0;
}

}  // namespace inflight::ch05
