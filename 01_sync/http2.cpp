// Chapter 01 over HTTP/2 (--http2): the same loop, one request at a time, on
// one HTTP/2 connection. Nothing overlaps, so each stream waits for the one
// before it: HTTP/2 changes how requests share a connection, not whether the
// program waits. The measured run is in this chapter's README.
#include "01_sync/sync.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch01 {

std::vector<harness::request_record> fetch_all_http2(const std::vector<std::string>& urls,
                                                     handle_policy policy,
                                                     double timeout_s,
                                                     const harness::run_clock& clock) {
  std::vector<harness::request_record> records;
  records.reserve(urls.size());
  harness::easy_handle easy = harness::make_easy();
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const bool fresh = policy == handle_policy::fresh && i > 0;
    if (fresh) easy = harness::make_easy();
    // An option set on a handle stays set for its next transfer. The first
    // transfer on a handle opens its connection; the next ones join it
    // (harness::use_http2 says why they are told apart).
    const auto role = i == 0 || fresh ? harness::h2_role::opens : harness::h2_role::joins;
    try {
      harness::use_http2(easy.get(), role);
    } catch (const std::exception& e) {  // curl refused the option
      records.push_back(harness::failed_before_start(i, urls[i], e.what(), clock));
      continue;
    }
    records.push_back(fetch_one(easy.get(), i, urls[i], timeout_s, clock));
  }
  return records;
}

}  // namespace inflight::ch01
