// The bytes of an HTTP/1.1 answer's head: status line and header fields. A
// pure function, so that the events engine writes every answer, error or not,
// the same way, and the fuzzer can drive it with what the router plans.
#pragma once

#include <cstddef>
#include <string>

#include "mock_server/core/routes.hpp"  // has_body()

namespace inflight::mock {

struct reply_head_fields {
  int status = 200;
  std::string content_type = "application/json";
  std::size_t content_length = 0;  // left out where !has_body() (RFC 9110 8.6)
  std::string server_timing;       // "queue;dur=0.120, delay;dur=250"
  std::string allow;               // 405: "GET, HEAD"
  bool close = false;              // "Connection: close": the last answer on it
};

std::string reply_head(const reply_head_fields& fields);
// The head of the plan's answer (with its Server-Timing).
std::string reply_head(const reply& plan, double queue_ms, bool close);
// A whole answer refusing a request before it was routed (refusal()), that
// closes the connection: both engines send these.
std::string refusal_answer(int status, const std::string& message);

// "Sun, 06 Nov 1994 08:49:37 GMT", now: the Date field (RFC 9110 6.6.1).
std::string http_date();

// "OK", "Not Found", ...; "" for a code without a well-known phrase, which
// HTTP/1.1 allows (RFC 9112 4: the reason phrase may be empty).
const char* reason_phrase(int status);

}  // namespace inflight::mock
