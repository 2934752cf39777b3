// The request-handling core, shared by both engines: it reads a request and
// decides what to answer and when. It never waits itself; waiting is the
// engine's job (a parked thread or a timer), which is the whole point of the
// two engines.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mock_server/core/stats.hpp"
#include "mock_server/server.hpp"

namespace inflight::mock {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/delay?ms=5"
  header_list headers;
  std::string origin;                // the client's address
  std::string version = "HTTP/1.1";  // 1.1 and 2 require exactly one Host header
};

// The plan an engine carries out: wait `delay`, send the headers, then send
// the body at once, or in `drip_chunks` pieces spread over `drip`. A body is
// built only when it is sent whole: none for HEAD, and /drip's bytes are made
// piece by piece as they go out (body_piece()), so a delay holds no memory.
struct reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;           // built now: empty for HEAD and for /drip
  std::size_t length = 0;     // Content-Length: the GET's body, built or not
  bool made_at_send = false;  // /drip: the body is `length` '*', made as it is sent
  std::chrono::microseconds delay{0};
  std::chrono::microseconds drip{0};
  int drip_chunks = 1;
  bool hang = false;    // never answer: wait for the client to leave or a stop
  std::string allow;    // 405: the methods the route takes, for the Allow header
  std::string route;    // the key in /stats "routes"
  bool counted = true;  // false for /stats itself, which must not count itself
  // Its body would pass the engine's bytes-in-flight budget: a 503, decided
  // before the body was built. The engine counts it as refused, not served.
  bool refused = false;
};

// False for 1xx, 204 and 304, whose answers end with their head (RFC 9110 6.4.1):
// a body after one would be read as the start of the next answer.
constexpr bool has_body(int status) {
  return status >= 200 && status != 204 && status != 304;
}

// Never throws: a client's mistake is a 4xx, anything else a 500 JSON that
// discloses nothing and is counted in /stats (internal_errors). A HEAD is
// planned as its GET, with its `length` and no body.
// `body_budget`: the most bytes the answer's body may take (what is left of
// limits.max_bytes_in_flight); a bigger /bytes or /drip body is refused before
// it is built.
reply route(const request& req, request_stats& stats, const server_options& options,
            std::size_t body_budget = SIZE_MAX);

// Bytes [from, from + n) of the plan's body, n cut at its length: /drip's are
// made here, as they are sent.
std::string body_piece(const reply& plan, std::size_t from, std::size_t n);

// The 503's message when answers in progress would pass the cap.
std::string busy_error(const server_options& options);
// The per-address refusals name the address, or, when it is one of those past
// the client table's size (`shared`: request_stats::shares_allowance), say
// that those addresses share one allowance.
// The 503's message when the answer would pass the address's share of the
// bytes in flight (max_bytes_per_client).
std::string share_error(const std::string& address, bool shared,
                        const server_limits& limits);
// The 503's message past the server's own connection limit, `most`.
std::string too_many_connections(int most);
// The 408's message for a request (head and body) not whole within
// limits.request_timeout.
std::string late_request(const server_limits& limits);
// The 503's message when an address holds its max_connections_per_client.
std::string too_many_from(const std::string& address, bool shared,
                          const server_limits& limits);
// The 429's message past max_requests_per_second_per_client (`over_rate`)
// or max_in_flight_per_client.
std::string too_many_requests(const std::string& address, bool shared, bool over_rate,
                              const server_limits& limits);

// "queue;dur=0.120, delay;dur=250" (milliseconds), for the Server-Timing header.
std::string server_timing(double queue_ms, const reply& plan);

// {"error": message}: what an engine answers when it refuses a request before
// routing it. Bytes that are not UTF-8 come out as U+FFFD, never an exception.
std::string error_body(const std::string& message);
// That refusal as a plan: `status` and the JSON error, sent at once.
reply refusal(int status, const std::string& message);

}  // namespace inflight::mock
