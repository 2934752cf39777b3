// 01_sync end to end, run the way a reader runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/test_support/command.hpp"
#include "harness/test_support/http2_runs.hpp"
#include "harness/test_support/result_schema.hpp"
#include "harness/test_support/server_fixture.hpp"

namespace inflight::ch01 {
namespace {

using test_support::run_command;

TEST(sync_main, runs_and_reports) {
  const auto run = run_command(CH01_EXECUTABLE, {"--requests", "3", "--delay", "0.05"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("3: 3 ok, 0 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("started the bundled delay server"), std::string::npos);
}

TEST(sync_main, json_is_only_the_result_object) {
  const auto run =
      run_command(CH01_EXECUTABLE, {"--requests", "3", "--delay", "0.05", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);  // throws if anything else is there
  test_support::expect_result_schema(result, "01_sync");
  EXPECT_EQ(result["requests"], 3);
  EXPECT_EQ(result["ok"], 3);
  EXPECT_EQ(result["threads"], 1);
  EXPECT_EQ(result["server_peak_in_flight"], 1);
  EXPECT_GE(result["wall_s"].get<double>(), 3 * 0.05);
}

// One request at a time is one stream at a time: HTTP/2 changes the
// connection's framing, not the waiting.
TEST(sync_main, http2_runs_one_stream_at_a_time_on_one_connection) {
  test_support::expect_http2_on_one_connection(CH01_EXECUTABLE, "01_sync", 4, 0.05, 1);
}

TEST(sync_main, http2_over_two_servers_is_one_connection_each) {
  test_support::expect_http2_on_one_connection_a_host(CH01_EXECUTABLE, 1, 0);
}

TEST(sync_main, http2_with_fresh_handles_opens_a_connection_each) {
  const auto run = run_command(CH01_EXECUTABLE, {"--requests", "3", "--delay", "0",
                                                 "--fresh-handle", "--http2", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["server_connections"], 3);
  EXPECT_EQ(result["http2_answers"], 3);
}

using sync_main_urls = test_support::with_server;

TEST_F(sync_main_urls, failed_requests_exit_1_and_are_listed_by_index) {
  const auto list = test_support::write_temp_file(
      "ch01_urls", "# a comment, then a blank line\n\n" + delay_url(0.01) + "\n" +
                       server.url() + "/status/503\n" + test_support::closed_port_url() +
                       "\n");
  const auto run = run_command(CH01_EXECUTABLE, {"--urls", list.path(), "--json"});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  test_support::expect_result_schema(result, "01_sync");
  EXPECT_EQ(result["requests"], 3);
  EXPECT_EQ(result["failed"], 2);
  EXPECT_EQ(result["errors"][0]["index"], 1);
  EXPECT_EQ(result["errors"][0]["error"], "HTTP 503");
  EXPECT_EQ(result["errors"][1]["index"], 2);
  EXPECT_TRUE(result["delay_s"].is_null());
  EXPECT_TRUE(result["server_peak_in_flight"].is_null()) << "--urls: no server to ask";
}

TEST(sync_main, every_bad_argument_exits_2_naming_the_option) {
  const std::vector<std::vector<std::string>> bad{
      {"--requests", "0"},      {"--requests", "abc"},
      {"--requests", "-5"},     {"--delay", "-1"},
      {"--delay", "11"},        {"--delay", "nan"},
      {"--url", "ftp://x"},     {"--timeout", "0"},
      {"--max-in-flight", "4"}, {"--urls", "/nonexistent/list"},
      {"--requests"},           {"--fresh-handle=yes"}};
  for (const auto& args : bad) {
    const auto run = run_command(CH01_EXECUTABLE, args);
    const std::string option = args[0].substr(0, args[0].find('='));
    EXPECT_EQ(run.exit_status, 2) << args[0];
    EXPECT_NE(run.err.find("01_sync: " + option + ":"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("usage:"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}

TEST(sync_main, help_exits_0_and_lists_the_chapter_option) {
  const auto run = run_command(CH01_EXECUTABLE, {"--help"});
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_NE(run.out.find("--fresh-handle"), std::string::npos) << run.out;
}

TEST(sync_main, one_at_a_time_needs_few_descriptors_whatever_n) {
  // 01 holds one request in flight: a low limit is no reason to refuse a
  // long run. (`ulimit -n` in sh lowers both limits.)
  const std::string script = "ulimit -n 100 && exec \"$0\" --requests 200 --delay 0";
  const auto run = test_support::run_command("/bin/sh", {"-c", script, CH01_EXECUTABLE});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.err.find("file descriptors"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace inflight::ch01
