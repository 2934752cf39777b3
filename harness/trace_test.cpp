// The Chrome trace: a named track per thread and one span per request.
#include "harness/trace.hpp"

#include <gtest/gtest.h>

namespace inflight::harness {
namespace {

TEST(trace, one_span_per_request_on_its_threads_track) {
  std::vector<request_record> records(3);
  for (std::size_t i = 0; i < 3; ++i) {
    records[i].index = i;
    records[i].url = "http://127.0.0.1:8080/delay/0.5";
    records[i].start_s = 0.25 * static_cast<double>(i);
    records[i].end_s = records[i].start_s + 0.5;
    records[i].thread = i == 2 ? 7 : 5;
  }
  const nlohmann::json trace = trace_json("02_threads", records);
  std::size_t thread_names = 0;
  std::vector<nlohmann::json> spans;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] == "M" && event["name"] == "thread_name") ++thread_names;
    if (event["ph"] == "X") spans.push_back(event);
  }
  EXPECT_EQ(thread_names, 2U);
  ASSERT_EQ(spans.size(), 3U);
  EXPECT_EQ(spans[1]["name"], "GET /delay/0.5");
  EXPECT_DOUBLE_EQ(spans[1]["ts"].get<double>(), 250000.0);  // microseconds
  EXPECT_DOUBLE_EQ(spans[1]["dur"].get<double>(), 500000.0);
  EXPECT_EQ(spans[2]["tid"], 7);
  EXPECT_EQ(spans[2]["args"]["index"], 2);
}

}  // namespace
}  // namespace inflight::harness
