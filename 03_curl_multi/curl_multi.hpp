// Chapter 03: every transfer in flight on one thread, with libcurl's multi
// interface. Two drivers run the same batch: curl_multi_poll (simple, walks
// every transfer on each wake-up) and curl_multi_socket_action (touches only
// the sockets that are ready). With `http2`, the transfers are streams of one
// HTTP/2 connection instead of a connection each.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::ch03 {

enum class driver { poll, socket_action };

struct settings {
  enum driver driver = driver::socket_action;
  // At most K transfers added to the multi handle at once; the next URL is
  // added as one finishes (the refill pattern). Empty: all at once.
  std::optional<std::size_t> max_in_flight;
  double timeout_s = 60;  // per transfer, CURLOPT_TIMEOUT_MS
  bool http2 = false;     // h2c: the transfers as streams of one connection
};

// Fetches every URL on the calling thread; one record per URL, in order.
// Throws std::runtime_error when libcurl itself fails (not for a request
// that fails: that is in its record).
std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               const settings& how,
                                               const harness::run_clock& clock);

}  // namespace inflight::ch03
