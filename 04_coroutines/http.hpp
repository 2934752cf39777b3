// co_await http_get(loop, url): one GET as a coroutine. It reads like chapter
// 01's blocking fetch_one, but while it waits, the thread runs every other
// coroutine. Leaves out: request bodies and headers, and keeping the response
// body (counted, then dropped, as in every chapter).
#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/task.hpp"
#include "harness/record.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {

struct http_options {
  double timeout_s = 0;  // curl's own limit (CURLOPT_TIMEOUT_MS); 0: none
  // A new connection, never reused: right when every request is in flight
  // at once (harness::fresh_connection_each says why).
  bool fresh_connection = false;
  // HTTP/2 (--http2): a stream of the loop's one connection instead
  // (event_loop::http2_role); fresh_connection does not apply then.
  bool http2 = false;
};

// The response or the error, as a value the caller inspects: ok(), status,
// bytes, error. Requesting a stop on `stop` (on the loop thread) takes the
// transfer off the multi handle at once; the error is then "cancelled".
task<harness::request_record> http_get(event_loop& loop, std::string url,
                                       std::stop_token stop = {},
                                       http_options options = {});

}  // namespace inflight::ch04
