// Exercise 01: write the blocking loop, reusing one easy handle across it.
// A copy of 01_sync/sync.cpp with fetch_all left for you; fetch_one, the one
// blocking request, is given. The solution is ../sync.cpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// Run the chapter's tests against this file (docs/workshop.md, "Exercises"):
//   cmake --preset exercises && cmake --build --preset exercises
//   ctest --preset exercises -L ch01
// You are done when every ch01 test passes.
#include "01_sync/sync.hpp"

#include <exception>
#include <stdexcept>

#include "harness/transfer.hpp"

namespace inflight::ch01 {

harness::request_record fetch_one(CURL* easy, std::size_t index, const std::string& url,
                                  double timeout_s, const harness::run_clock& clock) {
  harness::transfer t;
  t.record.index = index;
  t.record.url = url;
  try {
    begin_transfer(easy, t, timeout_s, clock);  // the URL, the timeout, ...
  } catch (const std::exception& e) {  // curl refused an option: this request failed
    return harness::failed_before_start(index, url, e.what(), clock);
  }
  // The whole chapter is this call: it returns once the answer has arrived
  // (or the request failed), and until then this thread does nothing at all.
  const CURLcode result = curl_easy_perform(easy);
  return harness::end_transfer(easy, t, result, clock);
}

// [todo:fetch_all]
std::vector<harness::request_record> fetch_all(
    [[maybe_unused]] const std::vector<std::string>& urls,
    [[maybe_unused]] handle_policy policy, [[maybe_unused]] double timeout_s,
    [[maybe_unused]] const harness::run_clock& clock) {
  // TODO(exercise 01): fetch every URL, one after another, and return one
  // record per URL in URL order (records[i] is the record of urls[i]).
  //
  //  1. Make an easy handle: `harness::easy_handle easy = harness::make_easy();`
  //     (a std::unique_ptr that calls curl_easy_cleanup for you).
  //  2. For each i, `fetch_one(easy.get(), i, urls[i], timeout_s, clock)` and
  //     push its record. A failed request is a record too: keep going.
  //  3. The point of the exercise: with handle_policy::reuse, make the handle
  //     ONCE, before the loop. An easy handle keeps its connection open after
  //     a transfer, so every request after the first skips the TCP handshake.
  //     With handle_policy::fresh (--fresh-handle), make a new handle for every
  //     request after the first, and so a new connection each time.
  //
  // The tests check: one request in flight at a time (the server's count),
  // records in order, 1 connection opened for `reuse` and N for `fresh`, and
  // that a failure does not stop the loop. Then delete the throw below (and
  // the [[maybe_unused]] above, if you like).
  throw std::logic_error(
      "exercise 01: fetch_all() is yours to write: see the TODO in "
      "01_sync/exercise/sync.cpp");
}
// [/todo]

std::string model_name(handle_policy policy) {
  return policy == handle_policy::reuse ? "sequential, one reused easy handle"
                                        : "sequential, a fresh easy handle per request";
}

}  // namespace inflight::ch01
