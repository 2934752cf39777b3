// The little URL parsing an HTTP/1.1 client needs: scheme, host, port and
// target. curl did this for 03 and 04; Beast leaves it to us. http:// only,
// on purpose: https would need OpenSSL and Asio's ssl::stream (a real client
// would add it), and every other scheme is not HTTP at all.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace inflight::ch04_asio {

// "http://127.0.0.1:8080/delay/1#top" -> {"127.0.0.1", "8080", "/delay/1"}
struct http_url {
  std::string host;    // a name or an IPv4 address; [::1] becomes ::1
  std::string port;    // "80" when the URL names none
  std::string target;  // the path and query, "/" when empty; never the #fragment,
                       // which is the browser's and is not sent to the server
};

// Throws bad_url, whose message quotes the URL and says what is wrong with it:
// among others a space or a control character, which a URL carries
// percent-encoded (%20) and which would otherwise end up in the request line.
class bad_url : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

http_url parse_http_url(std::string_view url);

// "127.0.0.1:8080", "[::1]:8080": the host (an IPv6 address in brackets) and
// the port, as an error message names where it connected.
std::string host_and_port(const http_url& url);

// What goes in the Host header: host_and_port without ":80".
std::string host_header(const http_url& url);

}  // namespace inflight::ch04_asio
