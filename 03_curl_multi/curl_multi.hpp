// Chapter 03: every transfer in flight on one thread, with libcurl's multi
// interface. Two drivers run the same batch: curl_multi_poll (simple, walks
// every transfer on each wake-up) and curl_multi_socket_action (touches only
// the sockets that are ready). With `http2`, the transfers are streams of one
// HTTP/2 connection a host instead of a connection each (http2.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "03_curl_multi/http2.hpp"
#include "harness/record.hpp"

namespace inflight::ch03 {

enum class driver { poll, socket_action };

struct settings {
  // Empty: the fastest on this libcurl (chosen_driver).
  std::optional<enum driver> driver;
  // At most K transfers added to the multi handle at once; the next URL is
  // added as one finishes (the refill pattern). Empty: all at once.
  std::optional<std::size_t> max_in_flight;
  double timeout_s = 60;  // per transfer, CURLOPT_TIMEOUT_MS
  bool http2 = false;     // h2c: the transfers as streams of one connection
};

// The driver a run of `transfers` uses: `how.driver`, else socket_action,
// except over HTTP/2 on a libcurl older than 8.13 (where it may raise the
// descriptor limit for curl_multi_poll).
enum driver chosen_driver(const settings& how, std::size_t transfers);

// Fetches every URL on the calling thread; one record per URL, in order.
// With `how.http2`, the warm-ups run first (http2.hpp); they and what they
// showed go to `prelude` when given, and a host that refused HTTP/2 is named
// on stderr at once. Throws std::runtime_error when libcurl itself fails (not
// for a request that fails: that is in its record).
std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               const settings& how,
                                               const harness::run_clock& clock,
                                               http2_prelude* prelude = nullptr);

}  // namespace inflight::ch03
