// A chapter's --http2 run from the outside, for every chapter that takes it
// (01, 03, 04): every answer came over HTTP/2, and by the server's own counts
// all the requests were streams of one connection, `peak` of them at once.
// 03 and 04 open the connection with one warm-up request, shown apart in the
// report ("warmups") and counted by the server as one more stream.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/test_support/command.hpp"
#include "harness/test_support/result_schema.hpp"

namespace inflight::test_support {

inline void expect_http2_on_one_connection(const std::string& executable,
                                           const std::string& chapter, int requests,
                                           double delay_s, int peak,
                                           std::vector<std::string> more_args = {}) {
  std::vector<std::string> args{"--requests", std::to_string(requests),
                                "--delay",    std::to_string(delay_s),
                                "--http2",    "--json"};
  args.insert(args.end(), more_args.begin(), more_args.end());
  const auto run = run_command(executable, args);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  expect_result_schema(result, chapter);
  EXPECT_EQ(result["ok"], requests);
  EXPECT_EQ(result["server_peak_in_flight"], peak);
  EXPECT_EQ(result["server_connections"], 1);
  EXPECT_EQ(result["server_streams"], requests + result["warmups"].get<int>());
  EXPECT_EQ(result["http2_answers"], requests);
  EXPECT_GE(result["wall_s"].get<double>(), requests / peak * delay_s)
      << "waves of `peak`";
}

}  // namespace inflight::test_support
