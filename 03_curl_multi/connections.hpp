// Connections over HTTP/1.1, where each carries one request at a time: when
// every transfer is in flight at once, a new one each, never looked for in the
// cache; with at most K in flight, K reused. Chapters 03, 04 and 05 share this
// policy; over HTTP/2 one connection a host carries them all (http2.hpp).
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <optional>

namespace inflight::ch03 {

// Whether each transfer gets a fresh connection: when all are in flight at
// once, no connection is ever free to be reused.
bool fresh_connection_each(std::size_t transfers,
                           std::optional<std::size_t> max_in_flight);

// A new connection for this transfer, closed after it: CURLOPT_FRESH_CONNECT
// and CURLOPT_FORBID_REUSE. Telling curl not to look for one to reuse matters:
// Debian 12's curl (7.88) walks every connection to the host on each new
// transfer, which at N = 10,000 costs seconds of CPU (curl/curl#2369).
void use_fresh_connection(CURL* easy);

}  // namespace inflight::ch03
