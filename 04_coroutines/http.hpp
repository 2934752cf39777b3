// co_await http_get(loop, url): one GET as a coroutine. It reads like chapter
// 01's blocking fetch_one, but while it waits, the thread runs every other
// coroutine. Leaves out: request bodies and headers, and keeping the response
// body (counted, then dropped, as in every chapter).
#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include "03_curl_multi/http2.hpp"
#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/task.hpp"
#include "harness/record.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {

struct http_options {
  double timeout_s = 0;  // curl's own limit (CURLOPT_TIMEOUT_MS); 0: none
  // A new connection, never reused: right when every request is in flight
  // at once (ch03::fresh_connection_each says why).
  bool fresh_connection = false;
  // HTTP/2 (--http2): the part this transfer plays on its host's connection
  // (chapter 03's http2.hpp); fresh_connection does not apply then.
  std::optional<ch03::h2_role> http2;
};

// The response or the error, as a value the caller inspects: ok(), status,
// bytes, error. Requesting a stop on `stop` (on the loop thread) takes the
// transfer off the multi handle at once; the error is then "cancelled".
task<harness::request_record> http_get(event_loop& loop, std::string url,
                                       std::stop_token stop = {},
                                       http_options options = {});

}  // namespace inflight::ch04
