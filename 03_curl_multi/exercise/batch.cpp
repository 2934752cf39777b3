// Exercise 03: the refill pattern and the harvest. A copy of
// 03_curl_multi/batch.cpp with start() and harvest() left for you; adding a
// transfer (add_next) and the bookkeeping are given. Both drivers
// (poll_driver.cpp, socket_driver.cpp) call start() once and harvest() after
// every wake-up. The solution is ../batch.cpp: try first.
// Your code goes between the // [todo:...] and // [/todo] lines; every other
// line is the solution's (cmake/exercise_starter.cpp makes this file from it).
// Hard mode: delete the TODO comments and work from the contract in the
// chapter README's Exercises section and the tests alone.
//
// Run the chapter's tests against this file (docs/workshop.md, "Exercises"):
//   cmake --preset exercises && cmake --build --preset exercises
//   ctest --preset exercises -L ch03
// You are done when every ch03 test passes, on both drivers.
#include "03_curl_multi/batch.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "01_sync/sync.hpp"

namespace inflight::ch03 {

transfer_batch::transfer_batch(CURLM* multi, const std::vector<std::string>& urls,
                               const settings& how, const harness::run_clock& clock,
                               std::optional<h2_role> http2)
    : multi_(multi),
      records_(urls.size()),
      how_(how),
      clock_(clock),
      http2_(http2),
      // HTTP/2 wants the opposite: every transfer on its host's connection.
      fresh_connections_(!http2 &&
                         fresh_connection_each(urls.size(), how.max_in_flight)) {
  slots_.reserve(urls.size());
  for (std::size_t i = 0; i < urls.size(); ++i) {
    auto s = std::make_unique<slot>();
    s->transfer.record.index = i;
    s->transfer.record.url = urls[i];
    slots_.push_back(std::move(s));
  }
}

transfer_batch::~transfer_batch() {
  // A transfer still added (we are unwinding from an error) is removed before
  // its easy handle is freed: libcurl's rule for every added handle.
  for (const auto& s : slots_)
    if (s->easy) curl_multi_remove_handle(multi_, s->easy.get());
}

// [todo:start]
void transfer_batch::start() {
  // TODO(exercise 03, step 1): add the first transfers, calling add_next()
  // once for each: all of them when how_.max_in_flight is empty, otherwise
  // the first K = *how_.max_in_flight (or all of them, if there are fewer).
  // add_next() adds the next URL that can start (one that cannot is recorded
  // as failed and skipped, so added_ may grow by more than one): call it K
  // times rather than looping until added_ reaches K.
  throw std::logic_error(
      "exercise 03: start() is yours to write: see the TODO in "
      "03_curl_multi/exercise/batch.cpp");
}
// [/todo]

void transfer_batch::add_next() {
  // A URL that cannot even start (curl refuses it or an option) is one
  // failed record, made here, and the next URL takes its place: one
  // request's set-up failure is never the whole batch's.
  while (added_ < slots_.size()) {
    slot& s = *slots_[added_++];
    try {
      s.easy = harness::make_easy();
      ch01::begin_transfer(s.easy.get(), s.transfer, how_.timeout_s, clock_);
      // CURLOPT_PRIVATE lets a finished handle lead us back to its slot.
      harness::set_option(s.easy.get(), CURLOPT_PRIVATE, static_cast<void*>(&s));
      // All at once: nothing to reuse, so curl need not look (connections.hpp).
      if (fresh_connections_) use_fresh_connection(s.easy.get());
      if (http2_) use_http2(s.easy.get(), *http2_);  // --http2 (http2.hpp)
      check(curl_multi_add_handle(multi_, s.easy.get()), "curl_multi_add_handle");
      return;
    } catch (const std::runtime_error& e) {
      s.easy.reset();  // never added: free it here
      records_[s.transfer.record.index] = harness::failed_before_start(
          s.transfer.record.index, s.transfer.record.url, e.what(), clock_);
      ++harvested_;
    }
  }
}

// [todo:harvest]
void transfer_batch::harvest() {
  // TODO(exercise 03, step 2): read every finished transfer off the multi
  // handle. Loop while `curl_multi_info_read(multi_, &queued)` returns a
  // CURLMsg*; skip a message whose ->msg is not CURLMSG_DONE. For each one:
  //   1. take its easy handle (message->easy_handle) and its result
  //      (message->data.result), and keep the pair in ended_. Read them now:
  //      the message belongs to the multi handle and is gone once the handle
  //      is removed. Read every message before removing any handle: removing
  //      one while others wait makes libcurl walk its lists again for each.
  // Then for each pair in ended_:
  //   2. find its slot: curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner)
  //      gives back the slot* that add_next() stored (owner is a void*);
  //   3. curl_multi_remove_handle (wrap it in check(...)), then
  //        records_[index] = harness::end_transfer(easy, s.transfer, result, clock_)
  //      with index = s.transfer.record.index;
  //   4. free the easy handle, s.easy.reset() (the destructor removes every
  //      handle still set), and count it, ++harvested_ (done() compares that
  //      with the number of URLs);
  //   5. the refill: if some URL has not been added yet (added_ < slots_.size()),
  //      add_next(), so that K stay in flight.
  // Exactly once per transfer: that is how `ok + failed == requests` holds.
  throw std::logic_error(
      "exercise 03: harvest() is yours to write: see the TODO in "
      "03_curl_multi/exercise/batch.cpp");
}
// [/todo]

std::vector<harness::request_record> transfer_batch::take_records() {
  return std::move(records_);
}

}  // namespace inflight::ch03
