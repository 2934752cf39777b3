#include "mock_server/params.hpp"

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

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      const auto* first = text.data() + i + 1;
      if (std::from_chars(first, first + 2, value, 16).ptr != first + 2)
        throw bad_request(400, "malformed percent-encoding in the query string");
      out += static_cast<char>(value);
      i += 2;
    } else if (text[i] == '%') {
      throw bad_request(400, "malformed percent-encoding in the query string");
    } else {
      out += text[i];
    }
  }
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
    const auto key = percent_decode(pair.substr(0, eq));
    out[key] = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
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
