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
};

// Points `easy`'s body and error message at `t` (the body is counted and
// dropped: a real client would keep or parse it) and stamps the start time.
// The request itself (URL, timeout, ...) is chapter 01's begin_transfer.
// Also applies proxy_policy to t.record.url.
void attach_record(CURL* easy, transfer& t, const run_clock& clock);

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

// Fresh connections. When every transfer is in flight at once, no connection
// is ever free to be reused, so each transfer opens its own and closes it
// after; with at most K in flight, the K connections are reused. One policy
// for every chapter that keeps many transfers in flight (03, 04, 05).
bool fresh_connection_each(std::size_t transfers,
                           std::optional<std::size_t> max_in_flight);

// A new connection for this transfer, closed after it: CURLOPT_FRESH_CONNECT
// and CURLOPT_FORBID_REUSE. Telling curl not to look for one to reuse matters:
// Debian 12's curl (7.88) walks every connection to the host on each new
// transfer, which at N = 10,000 costs seconds of CPU (curl/curl#2369).
void use_fresh_connection(CURL* easy);

// HTTP/2 over cleartext (--http2). Many transfers become streams of one
// connection, with prior knowledge (no HTTP/1.1 Upgrade round trip). The
// server must speak h2c: the bundled one does (mock_server/README.md).

// Whether this libcurl was built with HTTP/2 (nghttp2), and its version.
struct curl_http2 {
  bool supported = false;
  std::string version;  // "7.88.1"
};
curl_http2 curl_http2_support();

// The part a transfer plays on the shared connection: the one that opens it,
// or one that joins it as another stream.
enum class h2_role { opens, joins };

// Sets one transfer to HTTP/2. The transfer that opens the connection says
// HTTP/2 with prior knowledge; the others say "HTTP/2" and wait for that
// connection (CURLOPT_PIPEWAIT) instead of opening their own. Why not prior
// knowledge on every transfer: libcurl 7.88 (Debian 12) fails a transfer
// that reuses a prior-knowledge connection with "Error in the HTTP2 framing
// layer" (curl/curl#10634, fixed in 8.0.0). This way works on 7.88 and on
// later versions alike. A joiner that finds no HTTP/2 connection to wait
// for opens its own, asking to upgrade; our server ignores the upgrade, so
// that transfer runs over HTTP/1.1: the report counts those (http_major).
void use_http2(CURL* easy, h2_role role);

// The multi handle's side: multiplex transfers on a connection (CURLPIPE_
// MULTIPLEX, libcurl's default since 7.62, set to say so), let one connection
// carry `streams` of them at once (libcurl's own limit is 100: past it, a
// transfer opens a new connection, so 10,000 would open 100), and open no
// more than one connection a host. Past the server's own stream limit, the
// transfers then wait for a stream to end, in waves as with --max-in-flight.
// The price: a host that does not speak HTTP/2 gets one request at a time.
// All of this works on libcurl 7.88 (Debian 12) and on later versions.
void multiplex(CURLM* multi, std::size_t streams);

void throw_curl_error(const char* what, CURLcode code);

template <typename Value>
void set_option(CURL* easy, CURLoption option, Value value) {
  if (const CURLcode code = curl_easy_setopt(easy, option, value); code != CURLE_OK) {
    throw_curl_error("curl_easy_setopt", code);
  }
}

}  // namespace inflight::harness
