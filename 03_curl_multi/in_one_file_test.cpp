// in_one_file.cpp, run the way a reader runs it, against a server that counts
// what it sees: every transfer in flight at once, each one accounted for.
#include <gtest/gtest.h>

#include <string>

#include "harness/test_support/command.hpp"
#include "harness/test_support/server_fixture.hpp"

namespace inflight::ch03 {
namespace {

using test_support::run_command;

class in_one_file : public test_support::with_server {};

TEST_F(in_one_file, puts_every_transfer_in_flight_at_once) {
  const auto run = run_command(CH03_ONE_FILE_EXECUTABLE, {delay_url(0.5), "20"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("20 requests: 20 ok, 0 failed"), std::string::npos) << run.out;
  EXPECT_EQ(server.stats().peak_in_flight, 20);  // the server's count, not a stopwatch
  EXPECT_EQ(server.stats().routes["/delay"], 20u);
}

TEST_F(in_one_file, counts_an_answer_that_is_not_200_as_failed) {
  const auto run =
      run_command(CH03_ONE_FILE_EXECUTABLE, {server.url() + "/status/500", "3"});
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.out.find("3 requests: 0 ok, 3 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("(HTTP 500)"), std::string::npos) << run.err;
}

// The shell's `ulimit -n` sets the limits the program starts with: soft only
// (-S), or soft and hard at once.
test_support::command_result with_file_limit(const std::string& ulimit,
                                             const std::string& url, const char* n) {
  return run_command("/bin/sh",
                     {"-c", "ulimit " + ulimit + " && exec \"$0\" \"$1\" \"$2\"",
                      CH03_ONE_FILE_EXECUTABLE, url, n});
}

TEST_F(in_one_file, raises_a_low_soft_limit_on_descriptors_to_the_hard_one) {
  const auto run = with_file_limit("-Sn 64", delay_url(0.5), "200");
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("200 requests: 200 ok, 0 failed"), std::string::npos) << run.out;
  EXPECT_EQ(server.stats().peak_in_flight, 200);
}

TEST(in_one_file_refuses, more_transfers_than_the_hard_limit_on_descriptors_allows) {
  const auto run = with_file_limit("-n 64", "http://127.0.0.1/", "200");
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("ulimit -n 264"), std::string::npos) << run.err;
}

TEST(in_one_file_refuses, a_server_that_is_gone_and_bad_arguments) {
  const auto gone =
      run_command(CH03_ONE_FILE_EXECUTABLE, {test_support::closed_port_url(), "2"});
  EXPECT_EQ(gone.exit_status, 1);
  EXPECT_NE(gone.out.find("2 requests: 0 ok, 2 failed"), std::string::npos) << gone.out;
  for (const auto& n : {"0", "ten", "10001", "5x"}) {
    const auto bad = run_command(CH03_ONE_FILE_EXECUTABLE, {"http://127.0.0.1/", n});
    EXPECT_EQ(bad.exit_status, 2) << n;
    EXPECT_NE(bad.err.find("N must be a whole number"), std::string::npos) << bad.err;
  }
  EXPECT_EQ(run_command(CH03_ONE_FILE_EXECUTABLE, {}).exit_status, 2);
}

}  // namespace
}  // namespace inflight::ch03
