#include "03_curl_multi/http2.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "03_curl_multi/multi_handle.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch03 {

// Why this recipe, and why on every version. Prior knowledge on every transfer
// fails on 7.88: a transfer that reuses a prior-knowledge connection gets
// "Error in the HTTP2 framing layer" (curl/curl#10634, fixed in 8.0.0). Asking
// for "HTTP/2" with PIPEWAIT on every transfer, with nothing open yet, asks for
// the HTTP/1.1 Upgrade, which the bundled server ignores. And from 8.13.0 to
// 8.15, libcurl lets no transfer join a connection until that connection has
// carried a whole answer (curl/curl#18177, fixed in 8.16.0): without the
// warm-up, the first request runs alone and the other N - 1 wait for its end.
// The warm-up is what every version accepts.

// [snippet:use_http2]
void use_http2(CURL* easy, h2_role role) {
  if (role == h2_role::opens) {
    harness::set_option(easy, CURLOPT_HTTP_VERSION,
                        static_cast<long>(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
    return;
  }
  harness::set_option(easy, CURLOPT_HTTP_VERSION,
                      static_cast<long>(CURL_HTTP_VERSION_2_0));
  // Wait for the host's connection rather than open another: without it,
  // every transfer added before a stream is free opens its own.
  harness::set_option(easy, CURLOPT_PIPEWAIT, 1L);
}

void multiplex(CURLM* multi, std::size_t streams) {
  check(curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX),
        "curl_multi_setopt(CURLMOPT_PIPELINING)");
  // One connection a host: a transfer that finds it full waits for a stream
  // to end instead of opening another, as with --max-in-flight.
  check(curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L),
        "curl_multi_setopt(CURLMOPT_MAX_HOST_CONNECTIONS)");
  // libcurl's own limit is 100 streams a connection; past it a transfer would
  // wait (or open a new connection). It takes a long, and HTTP/2 stream ids
  // stop at 2^31 - 1.
  const long limit = static_cast<long>(std::min<std::size_t>(streams, 0x7fffffff));
  check(curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, limit),
        "curl_multi_setopt(CURLMOPT_MAX_CONCURRENT_STREAMS)");
}
// [/snippet]

void stop_multiplexing(CURLM* multi) {
  check(curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L),
        "curl_multi_setopt(CURLMOPT_MAX_HOST_CONNECTIONS)");
}

std::vector<std::string> warmup_urls(const std::vector<std::string>& urls) {
  std::vector<std::string> origins;
  for (const std::string& url : urls) {
    // A URL curl cannot parse has no host to open: its own request fails.
    std::optional<std::string> origin = harness::origin_of(url);
    if (origin && std::find(origins.begin(), origins.end(), *origin) == origins.end())
      origins.push_back(std::move(*origin));
  }
  for (std::string& origin : origins) origin += "/get";
  return origins;
}

std::string refused_http2(const std::vector<harness::request_record>& warmups) {
  std::string refused;
  for (const harness::request_record& w : warmups) {
    if (w.http_major == 2) continue;  // any status: the host speaks HTTP/2
    refused += refused.empty() ? "--http2: " : "; ";
    if (w.http_major == 1) {
      refused += w.url + " answered over HTTP/1.1";
    } else {  // no answer: connected, then refused; or not even connected
      refused += w.url +
                 (w.connections > 0 ? " refused HTTP/2 (" : " could not be reached (") +
                 w.error + ")";
    }
  }
  if (!refused.empty()) refused += ": the run goes on over HTTP/1.1";
  return refused;
}

}  // namespace inflight::ch03
