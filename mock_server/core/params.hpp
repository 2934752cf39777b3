// Reading a request's parameters: the query string, numbers, delays. Anything a
// client can get wrong here throws bad_request, which the router answers with a
// 4xx and a JSON error that names the parameter and what it accepts.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mock_server/server.hpp"

namespace inflight::mock {

struct bad_request : std::runtime_error {
  bad_request(int status, const std::string& message)
      : std::runtime_error(message), status(status) {}
  int status;
  std::string allow;     // 405: the methods the route does take
  bool refused = false;  // 503 over the bytes-in-flight budget (reply::refused)
};

using params = std::map<std::string, std::string>;

// Decodes %XX (exactly two hex digits) and, in a query, '+' as a space. Throws
// bad_request (400) for a malformed escape or a result that is not UTF-8;
// `where` ("path", "query string") goes into the message.
std::string percent_decode(std::string_view text, std::string_view where,
                           bool plus_is_space = true);
// Strict UTF-8 (RFC 3629): no overlong forms, surrogates or code points past U+10FFFF.
bool is_utf8(std::string_view text);
// `text` made safe to quote in an error: bytes that are not UTF-8 or are
// control characters become \xNN, and it is cut at about 80 characters.
std::string shown(std::string_view text);
params parse_query(std::string_view query);

// A typo in a parameter name is an error, not a silent default.
void allow_only(const params& query, std::initializer_list<std::string_view> names);

// The whole text as a finite number, or bad_request naming `what`.
double parse_number(const std::string& text, const std::string& what);
// The whole text as a whole number from 0 to `max`, or bad_request.
std::uint64_t parse_count(const std::string& text, const std::string& what,
                          std::uint64_t max);
// Seconds in [0, the server's cap]; names the cap when exceeded.
std::chrono::microseconds parse_delay(double seconds, const std::string& what,
                                      const server_options& options);

}  // namespace inflight::mock
