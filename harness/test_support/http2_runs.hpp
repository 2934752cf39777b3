// A chapter's --http2 run from the outside, for every chapter that takes it
// (01, 03, 04): every answer came over HTTP/2, and by the server's own counts
// all the requests were streams of one connection, `peak` of them at once.
// 03 and 04 open the connection with one warm-up request, shown apart in the
// report ("warmups") and counted by the server as one more stream.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/temp_file.hpp"
#include "harness/test_support/command.hpp"
#include "harness/test_support/result_schema.hpp"
#include "mock_server/server.hpp"

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

// Per host, not per run: with --urls over two servers, each server saw its
// requests as streams of one connection, `peak` of them at once, and the
// chapter's warm-up (one a host, or none) as one stream more.
inline void expect_http2_on_one_connection_a_host(const std::string& executable, int peak,
                                                  int warmups_a_host) {
  mock::server first;
  mock::server second;
  const harness::temp_file list{"http2_urls"};
  {
    std::ofstream out{list.path()};
    for (int i = 0; i < 4; ++i) {
      out << first.url() << "/delay/0.2\n" << second.url() << "/delay/0.2\n";
    }
  }
  const auto run = run_command(executable, {"--urls", list.path(), "--http2", "--json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["http2_answers"], 8);
  EXPECT_EQ(result["warmups"], 2 * warmups_a_host);
  for (const mock::server* server : {&first, &second}) {
    const auto stats = server->stats();
    EXPECT_EQ(stats.connections_opened, 1U);
    EXPECT_EQ(stats.peak_in_flight, peak);
    EXPECT_EQ(stats.streams, static_cast<std::uint64_t>(4 + warmups_a_host));
  }
}

// A server that speaks only HTTP/1.1 (the threads engine): the warm-up says
// so at once, and the run goes on over HTTP/1.1, every request at once. Each
// request holds its thread for 1 s: under ThreadSanitizer a busy machine takes
// longer than 0.2 s to start 40 threads, and the first answers came before
// the last requests began.
inline void expect_http1_server_named_and_run_over_http1(const std::string& executable) {
  mock::server_options options;
  options.engine = mock::engine_kind::threads;
  mock::server server{options};
  const auto run = run_command(executable, {"--url", server.url(), "--requests", "40",
                                            "--delay", "1", "--http2", "--json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.err.find("refused HTTP/2"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("goes on over HTTP/1.1"), std::string::npos) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["ok"], 40);
  EXPECT_EQ(result["http2_answers"], 0);
  EXPECT_EQ(result["server_peak_in_flight"], 40);
}

}  // namespace inflight::test_support
