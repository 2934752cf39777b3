// Reading one HTTP/1.1 request head (RFC 9112) out of the bytes a connection has
// received so far: both engines' parser. It is a pure function of those
// bytes and the limits, so the fuzzer drives it directly, and it refuses what
// RFC 9112 says to refuse (a space before a header's colon, two different
// Content-Length values, a line folded onto the next) with the status and a
// message a person can act on. It leaves out on purpose: chunked request
// bodies (refused with 411), HTTP/1.0's keep-alive extensions beyond
// `Connection: keep-alive`, and trailers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mock_server/core/routes.hpp"
#include "mock_server/limits.hpp"

namespace inflight::mock {

struct request_head {
  std::string method;
  std::string target;   // as sent: origin-form ("/get?a=1") or absolute-form
  std::string version;  // "HTTP/1.1"
  header_list headers;
  std::uint64_t content_length = 0;  // the body to read (and ignore) after the head
  bool keep_alive = true;            // false: close after answering
  bool expects_continue = false;     // "Expect: 100-continue" with a body
};

struct head_result {
  enum { incomplete, complete, refused } state = incomplete;
  std::size_t size = 0;  // complete: bytes the head took, blank lines before it included
  request_head head;     // complete
  int status = 0;        // refused: 400, 411, 413, 414, 431, 501 or 505
  std::string error;     // refused: what was wrong, for the JSON body
};

// `bytes` is everything received on the connection since the last request
// ended. Incomplete means "read more"; the caller enforces the time limit.
head_result parse_head(std::string_view bytes, const server_limits& limits);

}  // namespace inflight::mock
