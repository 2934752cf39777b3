// Chapter 02, second model: a fixed pool of P workers, results through
// futures. At most P requests are in flight, so N requests take about
// ceil(N/P) x d, and the thread count no longer grows with N.
#include <exception>

#include "01_sync/sync.hpp"
#include "02_threads/fixed_pool.hpp"
#include "02_threads/threads.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch02 {

// [snippet:pool]
// [exercise:fetch_all_pool]
std::vector<harness::request_record> fetch_all_pool(const std::vector<std::string>& urls,
                                                    std::size_t workers, double timeout_s,
                                                    const harness::run_clock& clock) {
  fixed_pool pool{workers};
  std::vector<std::future<harness::request_record>> futures;
  futures.reserve(urls.size());
  for (std::size_t i = 0; i < urls.size(); ++i) {
    futures.push_back(pool.submit([&urls, &clock, timeout_s, i] {
      // One handle per worker thread, made on its first task and reused for
      // the rest (and so is its connection), never shared with another thread.
      thread_local const harness::easy_handle easy = harness::make_easy();
      return ch01::fetch_one(easy.get(), i, urls[i], timeout_s, clock);
    }));
  }
  // get() waits for each task in turn; the results come back in URL order
  // whatever order the workers finished them in. get() rethrows what a task
  // threw: caught here, it is that request's record, not the end of the run.
  std::vector<harness::request_record> records;
  records.reserve(urls.size());
  for (std::size_t i = 0; i < urls.size(); ++i) {
    try {
      records.push_back(futures[i].get());
    } catch (const std::exception& e) {
      records.push_back(harness::failed_before_start(i, urls[i], e.what(), clock));
    }
  }
  return records;
}
// [/exercise]
// [/snippet]

}  // namespace inflight::ch02
