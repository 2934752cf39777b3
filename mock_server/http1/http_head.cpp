#include "mock_server/http1/http_head.hpp"

#include <charconv>
#include <cstring>

#include "mock_server/core/params.hpp"

namespace inflight::mock {
namespace {

// RFC 9110 5.6.2: the characters of a method or a header name.
bool is_token_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}
// RFC 9110 5.5: a field value is visible characters, spaces, tabs and obs-text
// (bytes 0x80-0xFF, checked as UTF-8 later by the router); no controls.
bool is_value_char(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}
// RFC 9112 3.2: a request target is visible ASCII; anything else is
// percent-encoded by the client.
bool is_target_char(unsigned char c) {
  return c > 0x20 && c < 0x7f;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool same_text(std::string_view a, std::string_view b) {  // ASCII, any case
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

std::string_view trim(std::string_view s) {  // optional whitespace: SP and HTAB
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

head_result refuse(int status, std::string message) {
  head_result r;
  r.state = head_result::refused;
  r.status = status;
  r.error = std::move(message);
  return r;
}

// The line starting at `from`, without its LF and a CR before it; npos when
// its LF has not arrived yet.
std::size_t line_end(std::string_view bytes, std::size_t from, std::string_view& line) {
  const auto lf = bytes.find('\n', from);
  if (lf == std::string_view::npos) return lf;
  line = bytes.substr(from, lf - from);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return lf;
}

// "GET /get HTTP/1.1": one space each side of the target, nothing else.
head_result read_request_line(std::string_view line, request_head& head) {
  const auto bad =
      "malformed request line '" + shown(line) + "' (expected: METHOD /target HTTP/1.1)";
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1)
    return refuse(400, bad);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  for (const unsigned char c : target)
    if (!is_target_char(c))
      return refuse(400, "the request target '" + shown(target) +
                             "' holds a byte that is not visible ASCII "
                             "(percent-encode it)");
  const bool well_formed = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                           version[6] == '.' && is_digit(version[5]) &&
                           is_digit(version[7]);
  if (!well_formed) return refuse(400, bad);
  if (version[5] != '1')
    return refuse(505, std::string(version) + " is not supported; use HTTP/1.1");
  head.method = line.substr(0, sp1);
  head.target = target;
  head.version = version;
  return {};
}

// "Name: value", the name a token right against its colon.
head_result read_field(std::string_view line, request_head& head) {
  if (line.front() == ' ' || line.front() == '\t')
    return refuse(400,
                  "a header line starts with whitespace (obsolete line folding "
                  "is not accepted)");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return refuse(400,
                  "malformed header line '" + shown(line) + "' (expected Name: value)");
  const auto name = line.substr(0, colon);
  for (const unsigned char c : name) {
    if (c == ' ' || c == '\t')
      return refuse(400, "whitespace between the header name '" + shown(trim(name)) +
                             "' and its colon");
    if (!is_token_char(c))
      return refuse(400, "the header name '" + shown(name) + "' holds an invalid byte");
  }
  const auto value = trim(line.substr(colon + 1));
  for (const unsigned char c : value)
    if (!is_value_char(c))
      return refuse(
          400, "the value of header " + std::string(name) + " holds a control character");
  head.headers.emplace_back(name, value);
  return {};
}

// A comma-separated list of tokens, any case (RFC 9110 7.6.1): "TE, Close".
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (same_text(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// What the headers say about the body and the connection.
head_result read_framing(request_head& head, const server_limits& limits) {
  bool has_length = false, chunked = false, close = false, keep_alive = false;
  bool expect = false;
  for (const auto& [name, value] : head.headers) {
    if (same_text(name, "Content-Length")) {
      std::string_view list = value;  // "5" or "5, 5" (RFC 9110 8.6)
      while (true) {
        const auto comma = list.find(',');
        const auto item = trim(list.substr(0, comma));
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
        if (item.empty() || item.size() > 19 || ec != std::errc() ||
            end != item.data() + item.size())
          return refuse(
              400, "Content-Length must be a whole number, got '" + shown(value) + "'");
        if (has_length && n != head.content_length)
          return refuse(400, "two different Content-Length values");
        head.content_length = n;
        has_length = true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    } else if (same_text(name, "Transfer-Encoding")) {
      chunked = true;
    } else if (same_text(name, "Connection")) {
      close = close || has_token(value, "close");
      keep_alive = keep_alive || has_token(value, "keep-alive");
    } else if (same_text(name, "Expect")) {
      expect = same_text(value, "100-continue");
    }
  }
  if (chunked && has_length)
    return refuse(400, "both Transfer-Encoding and Content-Length: send one");
  if (chunked)
    return refuse(411,
                  "a request body needs a Content-Length here (chunked transfer "
                  "coding is not supported)");
  if (head.content_length > limits.max_body_bytes)
    return refuse(413, "a request body of " + std::to_string(head.content_length) +
                           " bytes is above this server's limit of " +
                           std::to_string(limits.max_body_bytes));
  head.keep_alive = !close && (head.version == "HTTP/1.1" || keep_alive);
  // An HTTP/1.0 client may not understand a 1xx (RFC 9110 10.1.1).
  head.expects_continue = expect && head.content_length > 0 && head.version == "HTTP/1.1";
  return {};
}

}  // namespace

head_result parse_head(std::string_view bytes, const server_limits& limits) {
  // RFC 9112 2.2: blank lines before a request line are ignored.
  std::size_t at = bytes.find_first_not_of("\r\n");
  if (at == std::string_view::npos) at = bytes.size();
  // Fail fast on what cannot be HTTP (a TLS hello, binary), before a line ends.
  for (std::size_t i = at; i < bytes.size() && bytes[i] != ' '; ++i)
    if (!is_token_char(static_cast<unsigned char>(bytes[i])) && bytes[i] != '\r' &&
        bytes[i] != '\n')
      return refuse(400, "not an HTTP request (the method must be a token, e.g. GET)");

  head_result result;
  std::string_view line;
  auto lf = line_end(bytes, at, line);
  const auto too_long = [&] {
    return refuse(414, "the request line is longer than this server's limit of " +
                           std::to_string(limits.max_head_bytes) + " bytes");
  };
  if (lf == std::string_view::npos)
    return bytes.size() > limits.max_head_bytes ? too_long() : result;
  if (lf > limits.max_head_bytes) return too_long();
  if (auto r = read_request_line(line, result.head); r.state == head_result::refused)
    return r;
  int fields = 0;
  while (true) {
    at = lf + 1;
    if (at > limits.max_head_bytes) break;
    lf = line_end(bytes, at, line);
    if (lf == std::string_view::npos) break;
    if (line.empty()) {  // the blank line that ends the head
      if (auto r = read_framing(result.head, limits); r.state == head_result::refused)
        return r;
      result.state = head_result::complete;
      result.size = lf + 1;
      return result;
    }
    if (++fields > limits.max_header_count)
      return refuse(
          431, "more than " + std::to_string(limits.max_header_count) + " header fields");
    if (auto r = read_field(line, result.head); r.state == head_result::refused) return r;
  }
  if (bytes.size() > limits.max_head_bytes)
    return refuse(431, "the request head is longer than this server's limit of " +
                           std::to_string(limits.max_head_bytes) + " bytes");
  return head_result{};
}

}  // namespace inflight::mock
