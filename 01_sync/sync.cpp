// Chapter 01: the blocking loop, the twin of Python's
//   for url in urls: requests.get(url)
// It is the baseline every later chapter is measured against.
#include "01_sync/sync.hpp"

#include <exception>

#include "harness/transfer.hpp"

namespace inflight::ch01 {

// [snippet:fetch_one]
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
// [/snippet]

// [snippet:fetch_all]
// [exercise:fetch_all]
std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               handle_policy policy, double timeout_s,
                                               const harness::run_clock& clock) {
  std::vector<harness::request_record> records;
  records.reserve(urls.size());
  // An easy handle keeps its connection open after a transfer, so with one
  // handle every request after the first skips the TCP handshake.
  harness::easy_handle easy = harness::make_easy();
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (policy == handle_policy::fresh && i > 0) easy = harness::make_easy();
    records.push_back(fetch_one(easy.get(), i, urls[i], timeout_s, clock));
  }
  return records;
}
// [/exercise]
// [/snippet]

std::string model_name(handle_policy policy) {
  return policy == handle_policy::reuse ? "sequential, one reused easy handle"
                                        : "sequential, a fresh easy handle per request";
}

}  // namespace inflight::ch01
