// Chapter 02: the blocking GET of chapter 01 on many threads at once, first
// one std::jthread per request, then a fixed pool of P workers. Leaves out, on
// purpose, any way to wait without a thread: that is chapter 03.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::ch02 {

// What starting the threads cost, measured by the thread-per-request model.
struct thread_cost {
  double spawn_s = 0;         // creating all N threads, from the first to the last
  int alive_after_spawn = 0;  // threads in the process once the last had started
};

// One std::jthread per URL, each with its own easy handle; returns when all
// have finished. Records come back in URL order.
std::vector<harness::request_record> fetch_all_threads(
    const std::vector<std::string>& urls, double timeout_s,
    const harness::run_clock& clock, thread_cost& cost);

// A fixed pool of `workers` threads; every URL is a task, and each result comes
// back through its std::future. At most `workers` requests are ever in flight.
std::vector<harness::request_record> fetch_all_pool(const std::vector<std::string>& urls,
                                                    std::size_t workers, double timeout_s,
                                                    const harness::run_clock& clock);

// glibc reserves 8 MiB per thread (the `ulimit -s` default). A blocking curl
// transfer needs a small fraction of that; 256 KiB leaves ample headroom.
#if defined(__SANITIZE_THREAD__)
// Workaround: ThreadSanitizer keeps ~0.7 MiB of state per thread in
// thread-local storage, which glibc carves out of each thread's stack. Below
// 1 MiB pthread_create fails with EINVAL.
inline constexpr std::size_t default_stack_kb = 1024;
#else
inline constexpr std::size_t default_stack_kb = 256;
#endif

// Stack reserved for each thread started from now on, in KiB. std::jthread has
// no way to ask for a stack size, so this changes the process-wide default.
void set_thread_stack_kb(std::size_t kb);
std::size_t thread_stack_kb();

// Descriptors one blocking transfer holds while in flight: its socket, and the
// socket pair that the multi handle inside curl_easy_perform keeps for
// wake-ups (libcurl 7.88). The harness's own check counts one a request.
inline constexpr std::size_t descriptors_per_transfer = 3;

// Raises the descriptor limit for `in_flight` blocking transfers at once, plus
// the in-process server's end of each when it runs here; or throws
// harness::descriptor_limit_error saying how many it takes and what to do.
void ensure_descriptors_for(std::size_t in_flight, bool server_in_process);

// The thread cost as report lines, e.g. "thread creation  1000 threads in ...".
std::vector<std::string> describe(const thread_cost& cost, std::size_t threads);

}  // namespace inflight::ch02
