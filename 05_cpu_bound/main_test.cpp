// 05_cpu_bound end to end, run the way a reader runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/test_support/command.hpp"

namespace inflight::ch05 {
namespace {

using test_support::run_command;

// Small and fast: 3 tasks of 20 ms, 2 requests of 50 ms.
const std::vector<std::string> quick{"--tasks",    "3", "--work-ms", "20",
                                     "--requests", "2", "--delay",   "0.05"};

std::vector<std::string> with(std::vector<std::string> args,
                              const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(cpu_bound_main, json_is_one_object_with_a_run_per_way) {
  const auto run =
      run_command(CH05_EXECUTABLE, with(quick, {"--threads", "2", "--json"}));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["chapter"], "05_cpu_bound");
  EXPECT_EQ(result["tasks"], 3);
  EXPECT_EQ(result["pool_threads"], 2);
  EXPECT_EQ(result["requests"], 4) << "2 requests in each half of the mixed demo";
  EXPECT_EQ(result["failed"], 0);
  const auto& runs = result["runs"];
  ASSERT_EQ(runs.size(), 5U);
  const std::vector<std::string> ways{"sequential", "coroutines", "pool", "mixed_in_loop",
                                      "mixed_offloaded"};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i]["way"], ways[i]);
    for (const char* key : {"wall_s", "cpu_s", "speedup"})
      EXPECT_TRUE(runs[i][key].is_number()) << ways[i] << " " << key;
    EXPECT_TRUE(runs[i]["model"].is_string());
    EXPECT_EQ(runs[i]["verified"], true) << ways[i];
  }
  EXPECT_EQ(runs[0]["threads"], 1);
  EXPECT_EQ(runs[1]["threads"], 1);
  EXPECT_EQ(runs[2]["threads"], 2);
  // Each speedup is its baseline's wall time over its own: sequential for
  // the first three, the loop-bound mixed run for the offloaded one.
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::size_t base = i < 3 ? 0 : 3;
    EXPECT_EQ(runs[i]["against"], ways[base]) << ways[i];
    EXPECT_NEAR(runs[i]["speedup"].get<double>(),
                runs[base]["wall_s"].get<double>() / runs[i]["wall_s"].get<double>(),
                1e-9)
        << ways[i];
  }
  EXPECT_EQ(runs[3]["ok"], 2);
  EXPECT_TRUE(result["loop_lag_s"]["in_loop"].is_number());
  EXPECT_TRUE(result["loop_lag_s"]["offloaded"].is_number());
}

TEST(cpu_bound_main, the_report_shows_speedup_next_to_the_core_count) {
  const auto run = run_command(CH05_EXECUTABLE, with(quick, {"--steps", "100000"}));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  for (const char* line : {"3 tasks of 100000 LCG steps", "hardware threads",
                           "coroutines on one event loop", "no gain: nothing to wait for",
                           "speedup: against sequential; at most", "loop lag"}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << "\n" << run.out;
  }
}

TEST(cpu_bound_main, bad_arguments_exit_2_naming_the_option) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--tasks", "0"},
                                                                {"--work-ms", "x"},
                                                                {"--threads", "0"},
                                                                {"--steps", "-1"},
                                                                {"--max-in-flight", "2"},
                                                                {"--trace", "t.json"}}) {
    const auto run = run_command(CH05_EXECUTABLE, args);
    EXPECT_EQ(run.exit_status, 2) << args[0];
    EXPECT_NE(run.err.find("05_cpu_bound: " + args[0] + ":"), std::string::npos)
        << run.err;
  }
}

TEST(cpu_bound_main, too_few_descriptors_is_a_clear_error_naming_the_limit) {
  // The mixed demo keeps every request in flight at once: 200 need 464
  // descriptors (the in-process server holds the other end of each).
  const std::string script =
      "ulimit -n 100 && exec \"$0\" --requests 200 --delay 0 --tasks 1 --work-ms 1";
  const auto run = run_command("/bin/sh", {"-c", script, CH05_EXECUTABLE});
  EXPECT_EQ(run.exit_status, 1) << run.err;
  EXPECT_NE(run.err.find("needs 464 file descriptors"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("Couldn't connect"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace inflight::ch05
