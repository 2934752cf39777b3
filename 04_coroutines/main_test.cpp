// 04_coroutines end to end, run the way a reader runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/test_support/command.hpp"
#include "harness/test_support/http2_runs.hpp"
#include "harness/test_support/result_schema.hpp"
#include "harness/test_support/server_fixture.hpp"
#include "harness/test_support/trace_runs.hpp"

namespace inflight::ch04 {
namespace {

using test_support::run_command;

TEST(coroutines_main, runs_and_reports) {
  const auto run = run_command(CH04_EXECUTABLE, {"--requests", "3", "--delay", "0.05"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("3: 3 ok, 0 failed"), std::string::npos) << run.out;
}

TEST(coroutines_main, json_shows_all_in_flight_on_one_thread) {
  const auto run =
      run_command(CH04_EXECUTABLE, {"--requests", "20", "--delay", "0.1", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  test_support::expect_result_schema(result, "04_coroutines");
  EXPECT_EQ(result["ok"], 20);
  EXPECT_EQ(result["threads"], 1);
  EXPECT_EQ(result["server_peak_in_flight"], 20);
  EXPECT_EQ(result["expected_s"], 0.1);
}

TEST(coroutines_main, http2_puts_every_request_on_one_connection) {
  test_support::expect_http2_on_one_connection(CH04_EXECUTABLE, "04_coroutines", 50, 0.2,
                                               50);
}

TEST(coroutines_main, http2_over_two_servers_is_one_connection_each) {
  test_support::expect_http2_on_one_connection_a_host(CH04_EXECUTABLE, 4, 1);
}

TEST(coroutines_main, http2_against_an_http1_server_says_so_and_goes_on_over_http1) {
  test_support::expect_http1_server_named_and_run_over_http1(CH04_EXECUTABLE);
}

TEST(coroutines_main, http2_with_a_demo_is_refused) {
  const auto run =
      run_command(CH04_EXECUTABLE, {"--requests", "2", "--http2", "--demo", "stall"});
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.err.find("--http2 goes with the plain run"), std::string::npos)
      << run.err;
}

TEST(coroutines_main, max_in_flight_is_the_servers_peak) {
  const auto run = run_command(CH04_EXECUTABLE, {"--requests", "9", "--delay", "0.05",
                                                 "--max-in-flight", "3", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["server_peak_in_flight"], 3);
  EXPECT_NEAR(result["expected_s"].get<double>(), 0.15, 1e-9);  // ceil(9/3) x 0.05
}

TEST(coroutines_main, a_timed_out_request_fails_the_run_with_its_cause) {
  mock::server server{};
  const auto urls = test_support::write_temp_file(
      "ch04_urls", server.url() + "/hang\n" + server.url() + "/delay/0.05\n");
  const auto run =
      run_command(CH04_EXECUTABLE, {"--urls", urls.path(), "--timeout", "0.2", "--json"});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  test_support::expect_result_schema(result, "04_coroutines");
  EXPECT_EQ(result["ok"], 1);
  ASSERT_EQ(result["errors"].size(), 1U);
  EXPECT_EQ(result["errors"][0]["index"], 0);
  EXPECT_EQ(result["errors"][0]["error"], "timed out after 0.2 s");
}

TEST(coroutines_main, the_stall_demo_doubles_the_wall_time_and_offload_does_not) {
  const auto stalled = run_command(CH04_EXECUTABLE, {"--requests", "3", "--delay", "0.2",
                                                     "--demo", "stall", "--json"});
  ASSERT_EQ(stalled.exit_status, 0) << stalled.err;
  EXPECT_GE(nlohmann::json::parse(stalled.out)["wall_s"].get<double>(), 0.4);

  const auto offloaded =
      run_command(CH04_EXECUTABLE,
                  {"--requests", "3", "--delay", "0.2", "--demo", "offload", "--json"});
  ASSERT_EQ(offloaded.exit_status, 0) << offloaded.err;
  const auto result = nlohmann::json::parse(offloaded.out);
  EXPECT_LT(result["wall_s"].get<double>(), 0.4);
  EXPECT_EQ(result["threads"], 2) << "request 0 ran on a worker thread";
}

TEST(coroutines_main, bad_arguments_exit_2_naming_the_option) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--demo", "sleep"}, {"--max-in-flight", "0"}, {"--requests", "x"}}) {
    const auto run = run_command(CH04_EXECUTABLE, args);
    EXPECT_EQ(run.exit_status, 2) << args[0];
    EXPECT_NE(run.err.find("04_coroutines: " + args[0] + ":"), std::string::npos)
        << run.err;
  }
}

TEST(coroutines_main, a_trace_of_a_concurrent_run_nests_on_every_track) {
  test_support::expect_concurrent_trace_nests(CH04_EXECUTABLE);
}

TEST(coroutines_main, a_trace_that_cannot_be_written_is_an_error_named_early_or_late) {
  test_support::expect_trace_errors_named(CH04_EXECUTABLE);
}

}  // namespace
}  // namespace inflight::ch04
