// Minimal http:// URL parsing for the Asio twin (url.hpp).
#include "04_coroutines/asio/url.hpp"

#include <algorithm>
#include <charconv>

namespace inflight::ch04_asio {

namespace {

[[noreturn]] void refuse(std::string_view url, const std::string& why) {
  throw bad_url("bad URL '" + std::string(url) + "': " + why);
}

// A port is 1 to 65535, digits only: "0", "x" and "70000" are refused here
// rather than by connect().
bool is_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value >= 1 &&
         value <= 65535;
}

// An IPv6 address goes in brackets wherever a port may follow it.
std::string bracketed_host(const http_url& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return ipv6 ? "[" + url.host + "]" : url.host;
}

}  // namespace

http_url parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.starts_with("https://"))
    refuse(url, "https is not supported by this client (Beast without TLS): use http://");
  if (!url.starts_with(scheme)) refuse(url, "expected http://HOST[:PORT]/PATH");
  if (std::ranges::any_of(url, [](unsigned char c) { return c <= ' ' || c == 0x7f; }))
    refuse(url, "a space or a control character (percent-encode it: %20)");

  // The #fragment is the browser's business: it is never sent to the server.
  const std::string_view rest = url.substr(0, url.find('#')).substr(scheme.size());
  const std::size_t slash = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, slash);
  http_url parsed;
  // The target starts with '/' even when the URL's path is empty ("", "?q").
  // (Built by appending: GCC 12 at -O3 warns a false -Wrestrict on
  // string::operator=(const char*) and insert here, GCC PR 105329.)
  const std::string_view path = rest.substr(slash);
  parsed.target.append(path.starts_with('/') ? 0 : 1, '/').append(path);
  if (authority.find('@') != std::string_view::npos)
    refuse(url, "user names and passwords are not supported");

  std::string_view port = "80";
  if (authority.starts_with('[')) {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) refuse(url, "no ']' after the IPv6 address");
    parsed.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) refuse(url, "expected ':PORT' after ']'");
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    parsed.host = std::string(authority);
  }
  if (parsed.host.empty()) refuse(url, "no host");
  if (!is_port(port))
    refuse(url, "the port must be 1 to 65535, got '" + std::string(port) + "'");
  parsed.port = std::string(port);
  return parsed;
}

std::string host_and_port(const http_url& url) {
  return bracketed_host(url) + ":" + url.port;
}

std::string host_header(const http_url& url) {
  return url.port == "80" ? bracketed_host(url) : host_and_port(url);
}

}  // namespace inflight::ch04_asio
