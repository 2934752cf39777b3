// Chapter 02, first model: one std::jthread per request. The twin of
// starting a threading.Thread per URL in Python: simple, and fine for tens of
// requests; the README measures where it stops being fine.
#include "01_sync/sync.hpp"
#include "02_threads/threads.hpp"
#include "harness/process_stats.hpp"
#include "harness/transfer.hpp"

#include <exception>
#include <thread>

namespace inflight::ch02 {

// [snippet:thread_per_request]
std::vector<harness::request_record> fetch_all_threads(
    const std::vector<std::string>& urls, double timeout_s,
    const harness::run_clock& clock, thread_cost& cost) {
  // One slot per request, made before any thread starts. Thread i writes only
  // records[i], so no two threads ever touch the same memory: no lock needed.
  std::vector<harness::request_record> records(urls.size());
  {
    std::vector<std::jthread> threads;
    threads.reserve(urls.size());
    const double spawn_start = clock.now_s();
    for (std::size_t i = 0; i < urls.size(); ++i) {
      threads.emplace_back([&records, &urls, &clock, timeout_s, i] {
        // An exception that leaves a thread's function ends the whole program
        // (std::terminate): whatever goes wrong here is this request's record.
        try {
          // Its own easy handle: libcurl forbids using one handle in two threads.
          const harness::easy_handle easy = harness::make_easy();
          records[i] = ch01::fetch_one(easy.get(), i, urls[i], timeout_s, clock);
        } catch (const std::exception& e) {
          records[i] = harness::failed_before_start(i, urls[i], e.what(), clock);
        }
      });
    }
    cost.spawn_s = clock.now_s() - spawn_start;
    cost.alive_after_spawn = harness::live_thread_count();
  }  // every jthread joins as it is destroyed: no request outlives this block
  return records;
}
// [/snippet]

}  // namespace inflight::ch02
