// Chapter 01 over HTTP/2 (--http2): the same loop, one request at a time, on
// one HTTP/2 connection a host. Nothing overlaps, so each stream waits for the
// one before it: HTTP/2 changes how requests share a connection, not whether
// the program waits. The measured run is in this chapter's README.
#include <set>
#include <string>

#include "01_sync/sync.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch01 {

namespace {

// A handle's first request to a host opens the connection with prior
// knowledge; the next ones say "HTTP/2" and find it open. Prior knowledge on
// a reused connection fails on libcurl 7.88 (03_curl_multi/http2.cpp says more).
void use_http2(CURL* easy, bool opens) {
  harness::set_option(easy, CURLOPT_HTTP_VERSION,
                      static_cast<long>(opens ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                                              : CURL_HTTP_VERSION_2_0));
}

}  // namespace

std::vector<harness::request_record> fetch_all_http2(const std::vector<std::string>& urls,
                                                     handle_policy policy,
                                                     double timeout_s,
                                                     const harness::run_clock& clock) {
  std::vector<harness::request_record> records;
  records.reserve(urls.size());
  harness::easy_handle easy = harness::make_easy();
  std::set<std::string> hosts_open;  // on the current handle, over HTTP/2
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (policy == handle_policy::fresh && i > 0) {
      easy = harness::make_easy();  // its own connections: none open yet
      hosts_open.clear();
    }
    // An option set on a handle stays set for its next transfer.
    std::string host = harness::origin_of(urls[i]).value_or(urls[i]);
    try {
      use_http2(easy.get(), !hosts_open.contains(host));
    } catch (const std::exception& e) {  // curl refused the option
      records.push_back(harness::failed_before_start(i, urls[i], e.what(), clock));
      continue;
    }
    records.push_back(fetch_one(easy.get(), i, urls[i], timeout_s, clock));
    if (records.back().http_major == 2) hosts_open.insert(std::move(host));
  }
  return records;
}

}  // namespace inflight::ch01
