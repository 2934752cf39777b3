// 05_cpu_bound: the same CPU-bound tasks four ways, to see where concurrency
// does not help and what does. The story: parse the options, size the tasks
// for this machine, find the server for the mixed demo, run every way, report.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "05_cpu_bound/report.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  ch05::chapter_result result;
  result.hardware_threads = std::max(1U, std::thread::hardware_concurrency());
  result.pool_threads = result.hardware_threads;
  double work_ms = 200;
  std::uint64_t steps = 0;  // 0: calibrate from work_ms
  const harness::chapter_spec chapter{
      "05_cpu_bound",
      "CPU-bound tasks run sequentially, as coroutines, on a thread pool, and "
      "mixed with requests",
      "",  // no bound: the pool size is --threads
      {{"--tasks", "N", "how many CPU tasks (default 8)",
        [&result](std::string_view v) {
          result.spec.tasks =
              static_cast<std::size_t>(harness::parse_whole("--tasks", v, 1, 10'000));
        }},
       {"--work-ms", "W", "CPU milliseconds per task, calibrated here (default 200)",
        [&work_ms](std::string_view v) {
          work_ms = static_cast<double>(harness::parse_whole("--work-ms", v, 1, 60'000));
        }},
       {"--steps", "K", "LCG steps per task, instead of calibrating from --work-ms",
        [&steps](std::string_view v) {
          steps = static_cast<std::uint64_t>(
              harness::parse_whole("--steps", v, 1, 1'000'000'000'000));
        }},
       {"--threads", "P",
        "pool threads (default: the hardware threads, " +
            std::to_string(result.hardware_threads) + " here)",
        [&result](std::string_view v) {
          result.pool_threads =
              static_cast<std::size_t>(harness::parse_whole("--threads", v, 1, 256));
        }}},
      false};  // no --trace: the trace format names every span a GET, and most are not
  return harness::run_chapter(chapter, argc, argv, [&](harness::session& session) {
    const harness::run_options& options = session.options();
    result.spec.steps = steps > 0 ? steps : ch05::steps_for_ms(work_ms);
    if (steps == 0) result.work_ms = work_ms;
    if (options.urls.empty()) result.delay_s = options.delay_s;

    const ch05::work_spec& spec = result.spec;
    // How many cores are free right now, for the pool's threads: on a shared
    // machine the speedup is bounded by this, not by the hardware.
    result.free_cores = ch05::free_cores(
        std::min<std::size_t>(result.pool_threads, result.hardware_threads),
        std::chrono::milliseconds(200));
    result.ways.push_back(ch05::run_sequential(spec));
    result.ways.push_back(ch05::run_coroutines(spec));
    result.ways.push_back(ch05::run_on_pool(spec, result.pool_threads));
    // The mixed demo fetches the session's URLs.
    ch05::mixed_settings mixed{session.urls(), options.timeout_s, 0};
    result.ways.push_back(ch05::run_mixed(spec, mixed));  // CPU inside the loop
    mixed.pool_threads = result.pool_threads;
    result.ways.push_back(ch05::run_mixed(spec, mixed));  // CPU offloaded

    // As in every chapter: a timeline when asked, or on a terminal; with
    // --json it goes to stderr, so that stdout carries only the JSON.
    const bool tty = isatty(STDOUT_FILENO) != 0;
    if (options.timeline || (tty && !options.json)) {
      const int fd = options.json ? STDERR_FILENO : STDOUT_FILENO;
      (options.json ? std::cerr : std::cout)
          << ch05::render_timelines(result, harness::detect_terminal(fd));
    }
    if (options.json) {
      std::cout << ch05::to_json(result).dump() << "\n";
    } else {
      ch05::print_report(std::cout, result);
    }
    if (!result.all_verified()) {
      std::cerr << chapter.name << ": a task's answer is wrong (see 'verified')\n";
      return 1;
    }
    return result.failed_requests() > 0 ? 1 : 0;
  });
}
