// The timeline: bars where requests were in flight, ASCII or Unicode, and
// shared rows (said so) when there are more requests than screen rows.
#include "harness/timeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace inflight::harness {
namespace {

std::vector<request_record> staircase(std::size_t n) {
  std::vector<request_record> records(n);
  for (std::size_t i = 0; i < n; ++i) {
    records[i].index = i;
    records[i].start_s = static_cast<double>(i);
    records[i].end_s = static_cast<double>(i + 1);
  }
  return records;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(timeline, a_sequential_run_draws_a_staircase) {
  const terminal term{52, 40, false};  // 40 columns of bar: 10 per request
  const auto rows = lines(render_timeline(staircase(4), 4.0, term));
  ASSERT_EQ(rows.size(), 5U);  // heading + one row per request
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string& row = rows[i + 1];
    const auto first = row.find('#');
    const auto last = row.rfind('#');
    ASSERT_NE(first, std::string::npos) << row;
    // Each bar starts later than the one above and is about a quarter wide.
    if (i > 0) {
      EXPECT_GT(first, rows[i].find('#')) << row;
    }
    EXPECT_NEAR(static_cast<double>(last - first + 1), 10.0, 2.0) << row;
  }
}

TEST(timeline, unicode_blocks_on_a_utf8_terminal_and_failures_marked) {
  auto records = staircase(2);
  records[1].error = "HTTP 500";
  const std::string text = render_timeline(records, 2.0, terminal{60, 40, true});
  EXPECT_NE(text.find("█"), std::string::npos) << text;
  EXPECT_EQ(text.find('#'), std::string::npos) << text;
  EXPECT_NE(lines(text)[2].find("| x"), std::string::npos) << text;
}

TEST(timeline, more_requests_than_rows_share_rows_and_say_so) {
  const std::size_t n = 100;
  const terminal term{80, 24, false};
  const auto rows = lines(render_timeline(staircase(n), static_cast<double>(n), term));
  EXPECT_LE(rows.size(), 24U);
  EXPECT_NE(rows[0].find("to a row"), std::string::npos) << rows[0];
  EXPECT_NE(rows[1].find("0-"), std::string::npos) << rows[1];
  // Within a shared row, only part of it is in flight at once: lighter shades.
  EXPECT_NE(rows[1].find('.'), std::string::npos) << rows[1];
}

TEST(timeline, the_heading_names_what_the_rows_are) {
  const terminal term{80, 24, false};
  EXPECT_EQ(lines(render_timeline(staircase(3), 3.0, term))[0].rfind(
                "timeline: 3 requests,", 0),
            0U);
  const auto tasks = lines(render_timeline(staircase(100), 100.0, term, "tasks"));
  EXPECT_EQ(tasks[0].rfind("timeline: 100 tasks,", 0), 0U) << tasks[0];
  EXPECT_NE(tasks[0].find("to a row"), std::string::npos) << tasks[0];
}

}  // namespace
}  // namespace inflight::harness
