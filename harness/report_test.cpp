// The run report: expected time per model shape, the JSON contract, and
// threads counted from the records rather than from the model's claim.
#include "harness/report.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/test_support/result_schema.hpp"

namespace inflight::harness {
namespace {

request_record record(std::size_t index, long thread, std::string error = "") {
  request_record r;
  r.index = index;
  r.url = "http://127.0.0.1:1/delay/1";
  r.start_s = static_cast<double>(index);
  r.end_s = r.start_s + 1;
  r.status = error.empty() ? 200 : 500;
  r.thread = thread;
  r.error = std::move(error);
  return r;
}

run_result five_requests(model_info model) {
  run_result result{"99_test", std::move(model), 1.0, {}, {}, {}};
  for (std::size_t i = 0; i < 5; ++i) result.records.push_back(record(i, 100 + i % 2));
  result.measured.wall_s = 2.5;
  return result;
}

TEST(report, expected_time_follows_the_model_shape) {
  EXPECT_EQ(five_requests({"seq", model_shape::sequential}).expected_s(), 5.0);
  EXPECT_EQ(five_requests({"pool", model_shape::pool, 2}).expected_s(),
            3.0);  // ceil(5/2)
  EXPECT_EQ(five_requests({"all", model_shape::concurrent}).expected_s(), 1.0);
  run_result urls = five_requests({"seq", model_shape::sequential});
  urls.delay_s.reset();
  EXPECT_FALSE(urls.expected_s().has_value()) << "no d to go by with --urls";
  EXPECT_EQ(urls.sequential_s(), 5.0) << "the sum of the request times";
}

TEST(report, threads_are_the_distinct_threads_in_the_records) {
  EXPECT_EQ(five_requests({"seq", model_shape::sequential}).threads(), 2);
}

TEST(report, json_follows_the_schema_and_lists_each_failure) {
  run_result result = five_requests({"pool", model_shape::pool, 2});
  result.records[3] = record(3, 100, "HTTP 500");
  result.measured.server_peak_in_flight = 2;
  const nlohmann::json json = to_json(result);
  test_support::expect_result_schema(json, "99_test");
  EXPECT_EQ(json["ok"], 4);
  EXPECT_EQ(json["failed"], 1);
  EXPECT_EQ(json["errors"], nlohmann::json::parse(R"([{"index":3,"error":"HTTP 500"}])"));
  EXPECT_EQ(json["server_peak_in_flight"], 2);
  EXPECT_EQ(json["expected_s"], 3.0);
}

TEST(report, unknowns_are_null_in_json_and_said_in_text) {
  run_result result = five_requests({"seq", model_shape::sequential});
  result.delay_s.reset();
  const nlohmann::json json = to_json(result);
  test_support::expect_result_schema(json, "99_test");
  EXPECT_TRUE(json["server_peak_in_flight"].is_null());
  EXPECT_TRUE(json["expected_s"].is_null());
  std::ostringstream text;
  print_report(text, result, /*per_request=*/true);
  EXPECT_NE(text.str().find("server peak  unknown"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("#4"), std::string::npos) << "one line per request";
}

TEST(report, text_says_how_close_the_run_came_to_the_model) {
  run_result result = five_requests({"pool", model_shape::pool, 2});
  result.measured.wall_s = 3.3;  // expected 3.0
  result.records[0].connections = 2;
  std::ostringstream text;
  print_report(text, result, /*per_request=*/false);
  const std::string out = text.str();
  EXPECT_NE(out.find("5: 5 ok, 0 failed"), std::string::npos) << out;
  EXPECT_NE(out.find("3.000 s (ceil(N/P) x d, P = 2 at a time): 10.0% over"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("1.52x"), std::string::npos) << out;  // 5 s / 3.3 s
  EXPECT_NE(out.find("connections  2 opened"), std::string::npos) << out;
}

std::string report_text(const run_result& result) {
  std::ostringstream text;
  print_report(text, result, /*per_request=*/false);
  return text.str();
}

TEST(report, with_no_delay_there_is_no_expected_time_or_speedup_to_print) {
  run_result result = five_requests({"all", model_shape::concurrent});
  result.delay_s = 0;  // --delay 0: N x d and d are both 0
  const std::string out = report_text(result);
  EXPECT_EQ(out.find("expected"), std::string::npos) << out;
  EXPECT_EQ(out.find("speedup"), std::string::npos) << out;
  EXPECT_NE(out.find("wall time    2.500 s"), std::string::npos) << out;
}

TEST(report, failed_requests_leave_out_what_only_answers_can_measure) {
  // 04_coroutines --timeout 0.5 --delay 1 --requests 3: every request timed
  // out at 0.5 s. N x d against 0.5 s is no speedup, and curl counts no
  // connection for a transfer it gave up on, while the server held three.
  run_result result{"99_test", {"all", model_shape::concurrent}, 1.0, {}, {}, {}};
  for (std::size_t i = 0; i < 3; ++i) {
    result.records.push_back(record(i, 100, "Operation timed out after 500 ms"));
  }
  result.measured.wall_s = 0.501;
  result.measured.server_peak_in_flight = 3;
  const std::string out = report_text(result);
  EXPECT_NE(out.find("3: 0 ok, 3 failed"), std::string::npos) << out;
  EXPECT_EQ(out.find("speedup"), std::string::npos) << out;
  EXPECT_EQ(out.find("expected"), std::string::npos) << out;
  EXPECT_EQ(out.find("connections"), std::string::npos) << out;
  EXPECT_NE(out.find("server peak  3 in flight"), std::string::npos) << out;
  EXPECT_NE(out.find("timed out"), std::string::npos) << "each failure is listed";

  result.records[1] = record(1, 100);  // one answer of three: still no ratio
  EXPECT_EQ(report_text(result).find("speedup"), std::string::npos);
}

TEST(report, http2_says_how_many_answers_came_over_it_and_what_the_server_saw) {
  run_result result = five_requests({"all", model_shape::concurrent});
  result.http2 = true;
  for (request_record& r : result.records) r.http_major = 2;
  result.records[0].connections = 1;
  result.measured.server_connections = 1;
  result.measured.server_streams = 5;
  const std::string out = report_text(result);
  EXPECT_NE(out.find("http/2       5 of 5 answers came over HTTP/2; the server saw 5 "
                     "streams on 1 connection"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("fell back"), std::string::npos) << out;
  const nlohmann::json json = to_json(result);
  EXPECT_EQ(json["http2"], true);
  EXPECT_EQ(json["http2_answers"], 5);
  EXPECT_EQ(json["connections"], 1);
  EXPECT_EQ(json["server_connections"], 1);
  EXPECT_EQ(json["server_streams"], 5);
}

TEST(report, http2_that_fell_back_to_http1_says_so) {
  run_result result = five_requests({"all", model_shape::concurrent});
  result.http2 = true;
  for (request_record& r : result.records) r.http_major = 1;
  result.records[0].http_major = 2;
  result.measured.server_connections = 4;
  result.measured.server_streams = 1;
  const std::string out = report_text(result);
  EXPECT_NE(out.find("1 of 5 answers came over HTTP/2"), std::string::npos) << out;
  EXPECT_NE(out.find("fell back    4 answers came over HTTP/1.1"), std::string::npos)
      << out;
}

TEST(report, http2_on_many_connections_says_so_too) {
  run_result result = five_requests({"all", model_shape::concurrent});
  result.http2 = true;
  for (request_record& r : result.records) r.http_major = 2;
  result.measured.server_connections = 3;
  result.measured.server_streams = 5;
  const std::string out = report_text(result);
  EXPECT_NE(out.find("HTTP/2 over 3 connections, not one"), std::string::npos) << out;
}

TEST(report, without_http2_there_is_no_http2_line) {
  run_result result = five_requests({"all", model_shape::concurrent});
  EXPECT_EQ(report_text(result).find("http/2"), std::string::npos);
  EXPECT_EQ(to_json(result)["http2"], false);
}

}  // namespace
}  // namespace inflight::harness
