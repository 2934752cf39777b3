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

// [exercise:start]
void transfer_batch::start() {
  const std::size_t first =
      std::min(slots_.size(), how_.max_in_flight.value_or(slots_.size()));
  // K calls, not "until added_ reaches K": add_next skips (as failed) a URL
  // that cannot start, and a skip must not cost a place in flight.
  for (std::size_t i = 0; i < first; ++i) add_next();
}
// [/exercise]

// [snippet:add_transfer]
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
// [/snippet]

// [snippet:harvest]
// [exercise:harvest]
void transfer_batch::harvest() {
  // Every message first: removing a handle while others wait to be read
  // makes libcurl walk its lists once more for each.
  ended_.clear();
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
    // The message is the multi handle's, gone once its handle is removed.
    if (message->msg == CURLMSG_DONE)
      ended_.emplace_back(message->easy_handle, message->data.result);
  }
  for (const auto& [easy, result] : ended_) {
    void* owner = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner);
    slot& s = *static_cast<slot*>(owner);

    check(curl_multi_remove_handle(multi_, easy), "curl_multi_remove_handle");
    records_[s.transfer.record.index] =
        harness::end_transfer(easy, s.transfer, result, clock_);
    s.easy.reset();  // exactly once: this handle is never seen again
    ++harvested_;
    if (added_ < slots_.size()) add_next();  // the refill: keep K in flight
  }
}
// [/exercise]
// [/snippet]

std::vector<harness::request_record> transfer_batch::take_records() {
  return std::move(records_);
}

}  // namespace inflight::ch03
