// The descriptor check every chapter's session makes: a socket per request in
// flight, raised up to the hard limit, or an error that says what to do.
#include "harness/fd_limit.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include <string>

namespace inflight::harness {
namespace {

TEST(descriptor_limit, counts_a_socket_per_transfer_and_the_in_process_server) {
  EXPECT_EQ(descriptors_needed(1000, false) + 1000, descriptors_needed(1000, true));
  EXPECT_GT(descriptors_needed(0, false), 0U);
  run_options options;
  options.requests = 500;
  EXPECT_EQ(descriptors_for(options), descriptors_needed(500, true));
  options.max_in_flight = 20;
  EXPECT_EQ(descriptors_for(options), descriptors_needed(20, true)) << "K in flight";
  options.url = "http://127.0.0.1:1";
  EXPECT_EQ(descriptors_for(options), descriptors_needed(20, false)) << "no server here";
  EXPECT_EQ(descriptors_for(options, 1), descriptors_needed(1, false)) << "one at a time";
  options.http2 = true;
  EXPECT_EQ(descriptors_for(options), descriptors_needed(1, false)) << "one connection";
}

TEST(descriptor_limit, beyond_the_hard_limit_fails_with_what_to_do) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "no hard limit to exceed";
  const auto needed = static_cast<std::size_t>(limit.rlim_max) + 1;
  try {
    ensure_descriptors(needed);
    FAIL() << "expected descriptor_limit_error";
  } catch (const descriptor_limit_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("needs " + std::to_string(needed)), std::string::npos)
        << message;
    EXPECT_NE(message.find("ulimit"), std::string::npos) << message;
  }
}

TEST(descriptor_limit, raises_the_soft_limit_up_to_the_hard_one) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_max == RLIM_INFINITY || before.rlim_max < 512) GTEST_SKIP();
  rlimit lowered = before;
  lowered.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  EXPECT_GE(ensure_descriptors(400), 400U);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &before), 0);
}

}  // namespace
}  // namespace inflight::harness
