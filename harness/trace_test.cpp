// The Chrome trace: every track's spans nest, whichever way a chapter ran
// its requests; and a trace file that cannot be written is an error.
#include "harness/trace.hpp"

#include <gtest/gtest.h>

#include "harness/test_support/trace_check.hpp"

namespace inflight::harness {
namespace {

request_record span(std::size_t index, double start_s, double end_s, long thread) {
  request_record r;
  r.index = index;
  r.url = "http://127.0.0.1:8080/delay/0.5";
  r.start_s = start_s;
  r.end_s = end_s;
  r.thread = thread;
  return r;
}

std::vector<nlohmann::json> events(const nlohmann::json& trace, const std::string& ph) {
  std::vector<nlohmann::json> found;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == ph) found.push_back(e);
  return found;
}

TEST(trace, a_thread_that_carries_one_request_at_a_time_has_its_own_track) {
  // A pool of two: each thread's requests follow one another.
  const std::vector<request_record> records{span(0, 0.0, 0.5, 5), span(1, 0.0, 0.5, 7),
                                            span(2, 0.5, 1.0, 5)};
  const nlohmann::json trace = trace_json("02_threads", records);
  const auto spans = events(trace, "X");
  ASSERT_EQ(spans.size(), 3U);
  EXPECT_EQ(spans[2]["name"], "GET /delay/0.5");
  EXPECT_EQ(spans[2]["tid"], 5);
  EXPECT_DOUBLE_EQ(spans[2]["ts"].get<double>(), 500000.0);  // microseconds
  EXPECT_DOUBLE_EQ(spans[2]["dur"].get<double>(), 500000.0);
  EXPECT_EQ(spans[2]["args"]["index"], 2);
  std::size_t thread_names = 0;
  for (const auto& e : events(trace, "M")) thread_names += e["name"] == "thread_name";
  EXPECT_EQ(thread_names, 2U);
  EXPECT_EQ(test_support::trace_problems(trace), "");
}

TEST(trace, requests_in_flight_together_on_one_thread_never_share_a_track) {
  // An event loop: three requests overlap on one thread, and none nests in
  // another. As complete events on the thread's track they would be drawn
  // wrongly; as async pairs each has its own track.
  const std::vector<request_record> records{span(0, 0.0, 0.5, 5), span(1, 0.25, 0.75, 5),
                                            span(2, 0.3, 1.0, 5)};
  const nlohmann::json trace = trace_json("03_curl_multi", records);
  EXPECT_TRUE(events(trace, "X").empty());
  EXPECT_EQ(events(trace, "b").size(), 3U);
  std::size_t spans = 0;
  EXPECT_EQ(test_support::trace_problems(trace, &spans), "");
  EXPECT_EQ(spans, 3U);
}

TEST(trace, the_check_catches_spans_that_overlap_without_nesting) {
  nlohmann::json bad = {{"traceEvents",
                         {{{"ph", "X"}, {"tid", 1}, {"ts", 0}, {"dur", 10}},
                          {{"ph", "X"}, {"tid", 1}, {"ts", 5}, {"dur", 10}}}}};
  EXPECT_NE(test_support::trace_problems(bad), "");
  nlohmann::json nested = {{"traceEvents",
                            {{{"ph", "X"}, {"tid", 1}, {"ts", 0}, {"dur", 10}},
                             {{"ph", "X"}, {"tid", 1}, {"ts", 2}, {"dur", 5}}}}};
  EXPECT_EQ(test_support::trace_problems(nested), "");
  nlohmann::json unended = {
      {"traceEvents", {{{"ph", "b"}, {"cat", "ok"}, {"id", 1}, {"ts", 0}}}}};
  EXPECT_NE(test_support::trace_problems(unended), "");
}

TEST(trace, a_path_that_cannot_be_opened_fails_before_the_run) {
  EXPECT_THROW(trace_file{"/nonexistent-directory/trace.json"}, std::runtime_error);
}

TEST(trace, a_write_that_fails_at_close_is_an_error) {
  trace_file full{"/dev/full"};  // opens; every write to it fails with ENOSPC
  EXPECT_THROW(full.write("01_sync", {span(0, 0, 1, 1)}), std::runtime_error);
}

}  // namespace
}  // namespace inflight::harness
