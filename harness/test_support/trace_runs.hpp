// A chapter's --trace from the outside, for every chapter that writes one:
// a concurrent run's trace nests on every track, and a trace file that cannot
// be written is an error named before the run (cannot open) or after it
// (cannot write, e.g. a full disk).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness/temp_file.hpp"
#include "harness/test_support/command.hpp"
#include "harness/test_support/trace_check.hpp"

namespace inflight::test_support {

inline void expect_concurrent_trace_nests(const std::string& executable) {
  const harness::temp_file file{"trace"};
  const auto run = run_command(executable, {"--requests", "50", "--delay", "0.1",
                                            "--trace", file.path(), "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  const auto trace = nlohmann::json::parse(file.read_all());
  std::size_t spans = 0;
  EXPECT_EQ(trace_problems(trace, &spans), "");
  EXPECT_EQ(spans, 50U) << "one span per request";
}

inline void expect_trace_errors_named(const std::string& executable) {
  auto run = run_command(executable, {"--requests", "2", "--delay", "0", "--trace",
                                      "/nonexistent-dir/t.json"});
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.err.find("--trace: cannot open /nonexistent-dir/t.json"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "") << "the run should not have started";
  run = run_command(executable,
                    {"--requests", "2", "--delay", "0", "--trace", "/dev/full"});
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.err.find("--trace: cannot write /dev/full"), std::string::npos)
      << run.err;
}

}  // namespace inflight::test_support
