#include "mock_server/core/params.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace inflight::mock {
namespace {

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the UTF-8 sequence at the start of `s`, or 0 when it is not
// one: overlong forms, surrogates and code points past U+10FFFF included
// (RFC 3629; "%c0%af" is the classic overlong '/').
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return n;
}

}  // namespace

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto n = utf8_sequence(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string shown(std::string_view text) {
  constexpr std::size_t most = 80;  // enough to recognise it, short enough to read
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < most;) {
    const auto n = utf8_sequence(text.substr(i));
    const auto c = static_cast<unsigned char>(text[i]);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  if (out.size() >= most) out += "...";
  return out;
}

std::string percent_decode(std::string_view text, std::string_view where,
                           bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (text[i] == '%') {
      // Exactly two hex digits: from_chars would also take a sign ("%-1").
      const bool room = i + 2 < text.size();
      const int high = room ? hex_value(text[i + 1]) : -1;
      const int low = room ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0)
        throw bad_request(400, "malformed percent-encoding in the " + std::string(where) +
                                   ": '" + shown(text.substr(i, 3)) +
                                   "' (expected % and two hex digits)");
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  if (!is_utf8(out))
    throw bad_request(400, "the " + std::string(where) + " is not valid UTF-8 once " +
                               "decoded: '" + shown(out) + "'");
  return out;
}

params parse_query(std::string_view query) {
  params out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto key = percent_decode(pair.substr(0, eq), "query string");
    out[key] = eq == std::string_view::npos
                   ? ""
                   : percent_decode(pair.substr(eq + 1), "query string");
  }
  return out;
}

void allow_only(const params& query, std::initializer_list<std::string_view> names) {
  for (const auto& [key, value] : query) {
    bool known = false;
    for (auto name : names) known = known || key == name;
    if (known) continue;
    std::string accepted;
    for (auto name : names)
      accepted += (accepted.empty() ? "" : ", ") + std::string(name);
    throw bad_request(400, "unknown parameter '" + key + "' (accepted: " +
                               (accepted.empty() ? "none" : accepted) + ")");
  }
}

double parse_number(const std::string& text, const std::string& what) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value))
    throw bad_request(400, what + " must be a finite number, got '" + text + "'");
  return value;
}

std::uint64_t parse_count(const std::string& text, const std::string& what,
                          std::uint64_t max) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > max)
    throw bad_request(400, what + " must be a whole number from 0 to " +
                               std::to_string(max) + ", got '" + text + "'");
  return value;
}

std::chrono::microseconds parse_delay(double seconds, const std::string& what,
                                      const server_options& options) {
  if (seconds < 0)
    throw bad_request(400, what + " must not be negative, got " + number_text(seconds));
  if (seconds > options.max_delay_s)
    throw bad_request(400, what + " of " + number_text(seconds) +
                               " s is above this server's cap of " +
                               number_text(options.max_delay_s) +
                               " s (start it with --max-delay to raise it)");
  return std::chrono::microseconds(std::llround(seconds * 1e6));
}

}  // namespace inflight::mock
