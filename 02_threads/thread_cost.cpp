// What a thread costs: the stack it reserves, and the numbers the report
// shows. Linux and glibc only (pthread_setattr_default_np is a GNU extension).
#include <pthread.h>

#include <string>
#include <system_error>

#include "02_threads/threads.hpp"
#include "harness/fd_limit.hpp"
#include "harness/process_stats.hpp"
#include "harness/text.hpp"

namespace inflight::ch02 {

namespace {

void check(int error, const char* what) {
  if (error != 0) throw std::system_error(error, std::generic_category(), what);
}

}  // namespace

// [snippet:stack_size]
void set_thread_stack_kb(std::size_t kb) {
  // std::jthread takes no attributes, but glibc lets us change the default
  // that every later pthread_create (and so every std::jthread) starts from.
  pthread_attr_t attr{};
  check(pthread_attr_init(&attr), "pthread_attr_init");
  const int error = pthread_attr_setstacksize(&attr, kb * 1024);
  if (error == 0) check(pthread_setattr_default_np(&attr), "pthread_setattr_default_np");
  pthread_attr_destroy(&attr);
  check(error, "pthread_attr_setstacksize");
}
// [/snippet]

std::size_t thread_stack_kb() {
  pthread_attr_t attr{};
  check(pthread_getattr_default_np(&attr), "pthread_getattr_default_np");
  std::size_t bytes = 0;
  const int error = pthread_attr_getstacksize(&attr, &bytes);
  pthread_attr_destroy(&attr);
  check(error, "pthread_attr_getstacksize");
  return bytes / 1024;
}

void ensure_descriptors_for(std::size_t in_flight, bool server_in_process) {
  const std::size_t each = descriptors_per_transfer + (server_in_process ? 1 : 0);
  // The harness adds its spare (stdio, the trace file...) to what we count.
  const std::size_t needed = harness::descriptors_needed(in_flight * each, false);
  try {
    harness::ensure_descriptors(needed);
  } catch (const harness::descriptor_limit_error&) {
    throw harness::descriptor_limit_error(
        std::to_string(in_flight) + " blocking transfers at once need " +
        std::to_string(needed) + " file descriptors (" + std::to_string(each) +
        " each: a socket and its multi handle's wake-up pair" +
        (server_in_process ? ", and the in-process server's end" : "") +
        "), more than the hard limit allows (ulimit -Hn). Use --max-in-flight P "
        "for a pool of P threads, fewer --requests, or raise the hard limit as root");
  }
}

std::vector<std::string> describe(const thread_cost& cost, std::size_t threads) {
  const double each_us =
      threads > 0 ? cost.spawn_s / static_cast<double>(threads) * 1e6 : 0;
  const std::size_t stack_kb = thread_stack_kb();
  // Address space, not memory: a stack page costs RAM only once it is touched.
  const double reserved_mib = static_cast<double>(stack_kb * threads) / 1024;
  return {
      "spawning     " + std::to_string(threads) + " threads in " +
          harness::format_fixed(cost.spawn_s, 3) + " s (" +
          harness::format_fixed(each_us, 0) + " us each)",
      // 0: /proc/self/status could not be opened, e.g. no descriptor left.
      "threads      " +
          (cost.alive_after_spawn > 0 ? std::to_string(cost.alive_after_spawn)
                                      : "unknown") +
          " alive in the process once the last had started",
      "stacks       " + std::to_string(stack_kb) + " KiB reserved per thread, " +
          harness::format_fixed(reserved_mib, 1) + " MiB of address space in all",
  };
}

}  // namespace inflight::ch02
