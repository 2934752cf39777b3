// The little URL parsing an HTTP/1.1 client needs: scheme, host, port and
// target. curl did this for 03 and 04; Beast leaves it to us. http:// only,
// on purpose: https would need OpenSSL and Asio's ssl::stream (a real client
// would add it), and every other scheme is not HTTP at all.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace inflight::ch04_asio {

// "http://127.0.0.1:8080/delay/1" -> {"127.0.0.1", "8080", "/delay/1"}
struct http_url {
  std::string host;    // a name or an IPv4 address; [::1] becomes ::1
  std::string port;    // "80" when the URL names none
  std::string target;  // the path and query, "/" when empty
};

// Throws bad_url, whose message quotes the URL and says what is wrong with it.
class bad_url : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

http_url parse_http_url(std::string_view url);

// What goes in the Host header: host, plus ":port" unless it is 80.
std::string host_header(const http_url& url);

}  // namespace inflight::ch04_asio
