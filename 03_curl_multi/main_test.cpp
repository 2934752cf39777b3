// 03_curl_multi end to end, run the way a reader runs it.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/test_support/command.hpp"
#include "harness/test_support/http2_runs.hpp"
#include "harness/test_support/result_schema.hpp"
#include "harness/test_support/trace_runs.hpp"
#include "mock_server/server.hpp"

namespace inflight::ch03 {
namespace {

using test_support::run_command;

TEST(curl_multi_main, runs_and_reports) {
  const auto run = run_command(CH03_EXECUTABLE, {"--requests", "3", "--delay", "0.05"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("3: 3 ok, 0 failed"), std::string::npos) << run.out;
}

TEST(curl_multi_main, json_shows_all_in_flight_on_one_thread_with_either_driver) {
  for (const char* driver : {"poll", "socket"}) {
    const auto run = run_command(CH03_EXECUTABLE, {"--requests", "20", "--delay", "0.1",
                                                   "--driver", driver, "--json"});
    EXPECT_EQ(run.exit_status, 0) << run.err;
    const auto result = nlohmann::json::parse(run.out);
    test_support::expect_result_schema(result, "03_curl_multi");
    EXPECT_EQ(result["ok"], 20) << driver;
    EXPECT_EQ(result["threads"], 1) << driver;
    EXPECT_EQ(result["server_peak_in_flight"], 20) << driver;
    EXPECT_EQ(result["expected_s"], 0.1) << driver;
  }
}

TEST(curl_multi_main, max_in_flight_is_the_servers_peak) {
  const auto run = run_command(CH03_EXECUTABLE, {"--requests", "9", "--delay", "0.05",
                                                 "--max-in-flight", "3", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["server_peak_in_flight"], 3);
  EXPECT_NEAR(result["expected_s"].get<double>(), 0.15, 1e-9);  // ceil(9/3) x 0.05
}

// --http2, proven from the server's side: every request in flight at once,
// all of them streams of one connection.
TEST(curl_multi_main, http2_puts_every_request_on_one_connection_with_either_driver) {
  for (const char* driver : {"poll", "socket"}) {
    SCOPED_TRACE(driver);
    test_support::expect_http2_on_one_connection(CH03_EXECUTABLE, "03_curl_multi", 50,
                                                 0.2, 50, {"--driver", driver});
  }
}

TEST(curl_multi_main, http2_with_max_in_flight_keeps_k_streams_on_one_connection) {
  test_support::expect_http2_on_one_connection(CH03_EXECUTABLE, "03_curl_multi", 12, 0.05,
                                               4, {"--max-in-flight", "4"});
}

// The server's stream limit (SETTINGS_MAX_CONCURRENT_STREAMS) works like
// --max-in-flight: one connection, at most 20 streams on it, waves of 20. The
// warm-up brought the server's SETTINGS before any request was added.
TEST(curl_multi_main,
     http2_past_the_servers_stream_limit_goes_in_waves_on_one_connection) {
  mock::server_options options;
  options.limits.max_concurrent_streams = 20;
  mock::server server{options};
  const auto run = run_command(
      CH03_EXECUTABLE,
      {"--url", server.url(), "--requests", "50", "--delay", "0.2", "--http2", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["ok"], 50);
  EXPECT_EQ(result["http2_answers"], 50);
  const auto stats = server.stats();
  EXPECT_EQ(stats.connections_opened, 1U);
  EXPECT_EQ(stats.peak_in_flight, 20);
  EXPECT_GE(result["wall_s"].get<double>(), 3 * 0.2) << "ceil(50/20) waves of 0.2 s";
}

TEST(curl_multi_main, http2_over_two_servers_multiplexes_on_each) {
  test_support::expect_http2_on_one_connection_a_host(CH03_EXECUTABLE, 4, 1);
}

TEST(curl_multi_main, http2_against_an_http1_server_says_so_and_goes_on_over_http1) {
  test_support::expect_http1_server_named_and_run_over_http1(CH03_EXECUTABLE);
}

TEST(curl_multi_main, http2_needs_one_descriptor_not_one_per_request) {
  // The same limit that refuses 500 requests over HTTP/1.1 (below) is plenty.
  const std::string script =
      "ulimit -n 200 && exec \"$0\" --requests 500 --delay 0.05 --http2 --json";
  const auto run = run_command("/bin/sh", {"-c", script, CH03_EXECUTABLE});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["ok"], 500);
  EXPECT_EQ(result["server_connections"], 1);
}

TEST(curl_multi_main, bad_arguments_exit_2_naming_the_option) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--driver", "select"}, {"--max-in-flight", "0"}, {"--requests", "x"}}) {
    const auto run = run_command(CH03_EXECUTABLE, args);
    EXPECT_EQ(run.exit_status, 2) << args[0];
    EXPECT_NE(run.err.find("03_curl_multi: " + args[0] + ":"), std::string::npos)
        << run.err;
  }
}

TEST(curl_multi_main, too_few_descriptors_is_a_clear_error_not_a_crash) {
  // `ulimit -n` in sh lowers both limits, so the chapter cannot raise them.
  const std::string script = "ulimit -n 200 && exec \"$0\" --requests 500 --delay 0.01";
  const auto run = run_command("/bin/sh", {"-c", script, CH03_EXECUTABLE});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  EXPECT_NE(run.err.find("needs 1064 file descriptors"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--max-in-flight"), std::string::npos) << run.err;
}

TEST(curl_multi_main, a_trace_of_a_concurrent_run_nests_on_every_track) {
  test_support::expect_concurrent_trace_nests(CH03_EXECUTABLE);
}

TEST(curl_multi_main, a_trace_that_cannot_be_written_is_an_error_named_early_or_late) {
  test_support::expect_trace_errors_named(CH03_EXECUTABLE);
}

}  // namespace
}  // namespace inflight::ch03
