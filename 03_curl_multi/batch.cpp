#include "03_curl_multi/batch.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace inflight::ch03 {

void check(CURLMcode code, const char* call) {
  if (code != CURLM_OK)
    throw std::runtime_error(std::string(call) + ": " + curl_multi_strerror(code));
}

transfer_batch::transfer_batch(const std::vector<std::string>& urls, const settings& how,
                               const harness::run_clock& clock)
    : multi_(curl_multi_init()), records_(urls.size()), how_(how), clock_(clock) {
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  all_at_once_ = !how.max_in_flight || *how.max_in_flight >= urls.size();
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
    if (s->easy) curl_multi_remove_handle(multi_.get(), s->easy.get());
}

void transfer_batch::start() {
  const std::size_t first =
      std::min(slots_.size(), how_.max_in_flight.value_or(slots_.size()));
  while (added_ < first) add_next();
}

// [snippet:add_transfer]
void transfer_batch::add_next() {
  slot& s = *slots_[added_];
  s.easy = harness::make_easy();
  harness::begin_transfer(s.easy.get(), s.transfer, how_.timeout_s, clock_);
  // CURLOPT_PRIVATE lets a finished handle lead us back to its slot.
  harness::set_option(s.easy.get(), CURLOPT_PRIVATE, static_cast<void*>(&s));
  if (all_at_once_) {
    // Nothing can be reused when every transfer is in flight at once, so tell
    // curl not to look: Debian 12's curl (7.88) walks every connection to the
    // host on each new transfer, which at N = 10,000 costs seconds of CPU
    // (curl/curl#2369). With --max-in-flight K the K connections are reused.
    harness::set_option(s.easy.get(), CURLOPT_FRESH_CONNECT, 1L);
    harness::set_option(s.easy.get(), CURLOPT_FORBID_REUSE, 1L);
  }
  check(curl_multi_add_handle(multi_.get(), s.easy.get()), "curl_multi_add_handle");
  ++added_;
}
// [/snippet]

// [snippet:harvest]
void transfer_batch::harvest() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    const CURLcode result = message->data.result;  // read before removing
    void* owner = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner);
    slot& s = *static_cast<slot*>(owner);

    check(curl_multi_remove_handle(multi_.get(), easy), "curl_multi_remove_handle");
    records_[s.transfer.record.index] =
        harness::end_transfer(easy, s.transfer, result, clock_);
    s.easy.reset();  // exactly once: this handle is never seen again
    ++harvested_;
    if (added_ < slots_.size()) add_next();  // the refill: keep K in flight
  }
}
// [/snippet]

std::vector<harness::request_record> transfer_batch::take_records() {
  return std::move(records_);
}

}  // namespace inflight::ch03
