// 02_threads: N blocking GETs on threads, one per request, or with
// --max-in-flight P a fixed pool of P. The lesson is in
// thread_per_request.cpp and pool.cpp.
#include <algorithm>
#include <iostream>
#include <system_error>

#include "02_threads/threads.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  std::size_t stack_kb = ch02::default_stack_kb;
  const harness::chapter_spec chapter{
      "02_threads",
      "N blocking GETs on threads: one std::jthread each, or a pool of P",
      "P: a fixed pool of P worker threads instead of one thread per request",
      {{"--stack-kb", "KB",
        "KiB of stack per thread (default " + std::to_string(ch02::default_stack_kb) +
            "; glibc's own: 8192)",
        [&stack_kb](std::string_view v) {
          stack_kb =
              static_cast<std::size_t>(harness::parse_whole("--stack-kb", v, 64, 65536));
        }}}};
  return harness::run_chapter(chapter, argc, argv, [&](harness::session& session) {
    const harness::run_options& options = session.options();
    // Before the first thread: a run the descriptor limit cannot hold stops
    // here with one message, not with thousands of failed requests.
    const std::size_t n = session.urls().size();
    ch02::ensure_descriptors_for(std::min(n, options.max_in_flight.value_or(n)),
                                 options.url.empty() && options.urls.empty());
    try {
      ch02::set_thread_stack_kb(stack_kb);  // before the first request thread starts
      const harness::run_clock clock;
      if (!options.max_in_flight) {
        ch02::thread_cost cost;
        auto records =
            ch02::fetch_all_threads(session.urls(), options.timeout_s, clock, cost);
        const auto notes = ch02::describe(cost, records.size());
        return session.finish(
            {"a std::jthread per request", harness::model_shape::concurrent},
            std::move(records), clock, notes);
      }
      const std::size_t workers = *options.max_in_flight;
      auto records =
          ch02::fetch_all_pool(session.urls(), workers, options.timeout_s, clock);
      return session.finish({"a fixed pool of " + std::to_string(workers) + " threads",
                             harness::model_shape::pool, workers},
                            std::move(records), clock);
    } catch (const std::system_error& e) {
      // Thread creation fails with EAGAIN past the thread or memory limits, and
      // with EINVAL when the stack cannot hold the thread's own bookkeeping.
      std::cerr << chapter.name << ": cannot start a thread: " << e.what()
                << " (try --max-in-flight, or a larger --stack-kb)\n";
      return 1;
    }
  });
}
