// The terminal timeline: one row per request on a shared time axis, so the
// staircase of a sequential run and the wall of a concurrent one are visible
// at a glance. Past the screen's height, neighbouring requests share a row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/record.hpp"

namespace inflight::harness {

struct terminal {
  int columns = 100;
  int rows = 40;
  bool utf8 = false;  // Unicode block characters; else ASCII
};

// The size of the terminal on `fd` (or $COLUMNS/$LINES, else 100 x 40), and
// whether the locale ($LC_ALL, $LC_CTYPE, $LANG) is UTF-8.
terminal detect_terminal(int fd);

// Rows of "index | bar | mark", the bar spanning [start, end] on an axis from
// 0 to `wall_s`. A shared row shades each cell by the share of its requests
// in flight there (light to full), and the heading says the rows are shared.
// `noun` names what the rows are in the heading: "12 requests, 0 to 1.003 s".
std::string render_timeline(const std::vector<request_record>& records, double wall_s,
                            const terminal& term, std::string_view noun = "requests");

}  // namespace inflight::harness
