// Drawing the timeline with block characters (or ASCII).
#include "harness/timeline.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "harness/text.hpp"

namespace inflight::harness {

namespace {

// Shading from "a few in flight" to "all in flight"; index 0 is idle.
constexpr std::array<std::string_view, 5> unicode_shades{" ", "░", "▒", "▓", "█"};
constexpr std::array<std::string_view, 5> ascii_shades{" ", ".", ":", "=", "#"};
constexpr int rows_for_report = 14;  // lines the report below still needs
constexpr int min_rows = 8;

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  const int parsed = value != nullptr ? std::atoi(value) : 0;
  return parsed > 0 ? parsed : fallback;
}

bool locale_is_utf8() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;  // the next one decides
    std::string lower(value);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("utf-8") != std::string::npos ||
           lower.find("utf8") != std::string::npos;
  }
  return false;
}

// 0 when idle, 4 when every request of the row is in flight, 1-3 between.
std::size_t shade_for(std::size_t busy, std::size_t in_row) {
  if (busy == 0) return 0;
  if (busy == in_row) return 4;
  return 1 + (busy * 3) / in_row;
}

// The bar of requests [first, last]: `width` cells of `cell_s` seconds each.
std::string draw_bar(const std::vector<request_record>& records, std::size_t first,
                     std::size_t last, int width, double cell_s,
                     const std::array<std::string_view, 5>& shades) {
  std::string bar;
  for (int cell = 0; cell < width; ++cell) {
    const double from = cell * cell_s;
    const double to = from + cell_s;
    std::size_t busy = 0;  // requests of this row in flight during the cell
    for (std::size_t i = first; i <= last; ++i) {
      busy += (records[i].start_s < to && records[i].end_s >= from) ? 1 : 0;
    }
    bar += shades[shade_for(busy, last - first + 1)];
  }
  return bar;
}

}  // namespace

terminal detect_terminal(int fd) {
  terminal term{env_int("COLUMNS", 100), env_int("LINES", 40), locale_is_utf8()};
  winsize size{};
  if (isatty(fd) != 0 && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    term.columns = size.ws_col;
    term.rows = size.ws_row;
  }
  return term;
}

std::string render_timeline(const std::vector<request_record>& records, double wall_s,
                            const terminal& term, std::string_view noun) {
  if (records.empty() || wall_s <= 0) return {};
  const std::size_t n = records.size();
  const auto max_rows =
      static_cast<std::size_t>(std::max(min_rows, term.rows - rows_for_report));
  const std::size_t per_row = (n + max_rows - 1) / max_rows;  // ceil(n / rows)
  const std::size_t label_width =
      std::to_string(n - 1).size() * (per_row > 1 ? 2 : 1) + 2;
  // Room on the right for "| 12 failed".
  const int width = std::max(10, term.columns - static_cast<int>(label_width) - 12);
  const auto& shades = term.utf8 ? unicode_shades : ascii_shades;
  const double cell_s = wall_s / width;

  std::ostringstream out;
  out << "timeline: " << n << " " << noun << ", 0 to " << format_fixed(wall_s, 3)
      << " s, " << format_fixed(cell_s * 1000, 1) << " ms a column";
  if (per_row > 1) {
    out << "; " << per_row << " to a row (more than fit the screen), "
        << "shaded by how many of them are in flight";
  }
  out << "\n";
  for (std::size_t first = 0; first < n; first += per_row) {
    const std::size_t last = std::min(n, first + per_row) - 1;
    std::string label = std::to_string(first);
    // append, not label += "-" + ...: GCC 12 at -O2 reports a -Wrestrict false
    // positive for "literal" + std::string (GCC bug 105651).
    if (per_row > 1) label.append("-").append(std::to_string(last));
    out << std::string(label_width - 1 - label.size(), ' ') << label << " |";
    std::size_t failed = 0;
    for (std::size_t i = first; i <= last; ++i) failed += records[i].ok() ? 0 : 1;
    out << draw_bar(records, first, last, width, cell_s, shades) << "|";
    if (failed > 0 && per_row > 1) out << " " << failed << " failed";
    if (failed > 0 && per_row == 1) out << " x";
    out << "\n";
  }
  return out.str();
}

}  // namespace inflight::harness
