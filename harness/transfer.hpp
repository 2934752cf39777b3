// The libcurl bookkeeping every chapter shares: initialising the library,
// owning easy handles, and turning a finished transfer into a request_record.
// The lesson (who calls curl_easy_perform, on which thread, and when) stays in
// the chapters; this file is only what they would otherwise each copy.
#pragma once

#include <curl/curl.h>

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "harness/record.hpp"

namespace inflight::harness {

// curl_global_init once, before any thread that might use curl starts, and
// curl_global_cleanup after the last one ended: libcurl's thread rules.
class curl_library {
 public:
  curl_library();
  ~curl_library();
  curl_library(const curl_library&) = delete;
  curl_library& operator=(const curl_library&) = delete;
};

struct easy_cleanup {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using easy_handle = std::unique_ptr<CURL, easy_cleanup>;

// A new easy handle; throws std::runtime_error if curl cannot make one.
easy_handle make_easy();

// curl_easy_setopt, with its return code checked: throws std::runtime_error
// naming curl's reason (e.g. an option this libcurl was built without).
template <typename Value>
void set_option(CURL* easy, CURLoption option, Value value);

// One GET in progress. It owns the buffers curl writes into, so it must stay
// where it is (not be moved) between attach_record and end_transfer.
struct transfer {
  request_record record;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  const run_clock* clock = nullptr;  // the pre-request callback's
};

// Points `easy`'s body and error message at `t` (the body is counted and
// dropped: a real client would keep or parse it) and stamps the start time:
// now, and again when the request is really sent (CURLOPT_PREREQFUNCTION,
// once a connection, or a stream of one, is there to carry it). Time spent
// waiting for a connection or a stream is not time in flight.
// The request itself (URL, timeout, ...) is chapter 01's begin_transfer.
// Also applies proxy_policy to t.record.url.
void attach_record(CURL* easy, transfer& t, const run_clock& clock);

// "http://127.0.0.1:8080" for any URL on that host (scheme, host and port,
// the default port spelled out); nullopt when curl cannot parse the URL (its
// request will say what is wrong with it).
std::optional<std::string> origin_of(const std::string& url);

// Whether a URL's host is this machine: localhost, 127.0.0.0/8 or [::1].
bool is_loopback_url(const std::string& url);

// A request to this machine never goes through a proxy: an `http_proxy` set
// for a workshop room or a company network would otherwise take the bundled
// server's traffic to a proxy that cannot reach our loopback. Any other URL
// (a user's --url or --urls) follows the environment as curl does
// (http_proxy, no_proxy). Set on every transfer: a reused handle keeps it.
void apply_proxy_policy(CURL* easy, const std::string& url);

// Stamps the end time and the thread, and reads what happened: curl's own
// message for a transport error, "HTTP <code>" for a status >= 400.
request_record end_transfer(CURL* easy, transfer& t, CURLcode result,
                            const run_clock& clock);

// The record of a request that failed before curl could run it (no easy
// handle, an option curl refused): one failed record, so that one request's
// set-up failure is never the whole run's.
request_record failed_before_start(std::size_t index, std::string url, std::string error,
                                   const run_clock& clock);

// Whether this libcurl was built with HTTP/2 (nghttp2), and its version.
// How --http2 is set up is chapter 03's lesson (03_curl_multi/http2.hpp).
struct curl_http2 {
  bool supported = false;
  std::string version;  // "7.88.1"
};
curl_http2 curl_http2_support();

void throw_curl_error(const char* what, CURLcode code);

template <typename Value>
void set_option(CURL* easy, CURLoption option, Value value) {
  if (const CURLcode code = curl_easy_setopt(easy, option, value); code != CURLE_OK) {
    throw_curl_error("curl_easy_setopt", code);
  }
}

}  // namespace inflight::harness
