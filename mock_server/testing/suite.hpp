// What the cross-engine suites share: the engines every one runs on, named as
// test names show them, and the check that a case left the server as it was.
//   INSTANTIATE_TEST_SUITE_P(engines, my_test, both_engines(), engine_name);
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "mock_server/http1/bad_input_corpus.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/test_client.hpp"

namespace inflight::mock::test {

inline auto both_engines() {
  return ::testing::Values(engine_kind::threads, engine_kind::events);
}

// "threads", "events": what a failing test's name says.
inline std::string engine_name(const ::testing::TestParamInfo<engine_kind>& info) {
  return to_string(info.param);
}

// After a case: nothing in flight, no connection open, every descriptor back
// to `fds_before` (count_open_fds() before the case), and still answering.
inline void expect_settled(const server& s, int fds_before) {
  EXPECT_TRUE(wait_until([&] { return s.stats().in_flight == 0; }, 5))
      << "in flight: " << s.stats().in_flight;
  EXPECT_TRUE(wait_until([&] { return s.stats().connections == 0; }, 5))
      << "connections: " << s.stats().connections;
  EXPECT_TRUE(wait_until([&] { return count_open_fds() == fds_before; }, 5))
      << "descriptors: " << count_open_fds() << ", were " << fds_before;
  EXPECT_EQ(raw_exchange(s.port(), get_request("/get")).status, 200);
}

}  // namespace inflight::mock::test
