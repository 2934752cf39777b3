// Chapter 01 from the outside: the server's own count proves one request at a
// time, and curl's connection count proves the handle reuse.
#include "01_sync/sync.hpp"

#include <gtest/gtest.h>

#include "harness/test_support/server_fixture.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch01 {
namespace {

using sync_test = test_support::with_server;
constexpr double delay_s = 0.05;
constexpr double timeout_s = 5;

TEST_F(sync_test, one_request_at_a_time_and_never_faster_than_their_sum) {
  const std::size_t n = 4;
  const harness::run_clock clock;
  const auto records =
      fetch_all(delay_urls(n, delay_s), handle_policy::reuse, timeout_s, clock);
  const double wall_s = clock.now_s();

  EXPECT_EQ(server.stats().peak_in_flight, 1);
  EXPECT_GE(wall_s, n * delay_s);
  ASSERT_EQ(records.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(records[i].index, i);
    EXPECT_TRUE(records[i].ok()) << records[i].error;
    EXPECT_EQ(records[i].status, 200);
    EXPECT_GT(records[i].bytes, 0U);
    if (i > 0) {
      EXPECT_GE(records[i].start_s, records[i - 1].end_s) << "one after another";
    }
  }
}

long connections_opened(const std::vector<harness::request_record>& records) {
  long opened = 0;
  for (const auto& r : records) opened += r.connections;
  return opened;
}

TEST_F(sync_test, a_reused_handle_opens_one_connection_a_fresh_one_each_time) {
  const harness::run_clock clock;
  const auto urls = delay_urls(3, 0);
  EXPECT_EQ(connections_opened(fetch_all(urls, handle_policy::reuse, timeout_s, clock)),
            1)
      << "handle_policy::reuse opened more than one connection: is a fresh easy handle "
         "made inside the loop? Make one before it and reuse it for every request";
  EXPECT_EQ(connections_opened(fetch_all(urls, handle_policy::fresh, timeout_s, clock)),
            3)
      << "handle_policy::fresh must make a new easy handle (so a new connection) for "
         "every request after the first";
}

TEST_F(sync_test, each_failure_is_reported_with_its_cause_and_none_is_lost) {
  // Too slow for the 0.3 s timeout, yet bounded: a fetch_all that does not pass
  // its timeout_s on fails here after 3 s, not after a /hang's 60 s default.
  const std::vector<std::string> urls{delay_url(delay_s), server.url() + "/status/500",
                                      test_support::closed_port_url(), delay_url(3),
                                      delay_url(delay_s)};
  const harness::run_clock clock;
  const auto records = fetch_all(urls, handle_policy::reuse, /*timeout_s=*/0.3, clock);

  ASSERT_EQ(records.size(), urls.size());
  EXPECT_TRUE(records[0].ok());
  EXPECT_EQ(records[1].error, "HTTP 500");
  EXPECT_EQ(records[1].status, 500);
  // curl's own message from the error buffer, naming where it tried to go.
  EXPECT_NE(records[2].error.find("Failed to connect to 127.0.0.1"), std::string::npos)
      << records[2].error;
  EXPECT_EQ(records[2].status, 0);
  EXPECT_NE(records[3].error.find("timed out"), std::string::npos)
      << "a 3 s request with a 0.3 s timeout: is timeout_s passed on to fetch_one? "
      << records[3].error;
  EXPECT_TRUE(records[4].ok()) << "a failure must not stop the loop";
}

TEST_F(sync_test, a_request_whose_set_up_fails_is_one_failed_record) {
  const std::vector<std::string> urls{delay_url(0), test_support::url_curl_refuses(),
                                      "nosuchscheme://127.0.0.1/", delay_url(0)};
  for (const auto policy : {handle_policy::reuse, handle_policy::fresh}) {
    const harness::run_clock clock;
    const auto records = fetch_all(urls, policy, timeout_s, clock);
    ASSERT_EQ(records.size(), urls.size()) << "ok + failed == N";
    EXPECT_TRUE(records[0].ok()) << records[0].error;
    EXPECT_NE(records[1].error.find("curl_easy_setopt"), std::string::npos)
        << records[1].error.substr(0, 200);
    EXPECT_EQ(records[1].index, 1U);
    EXPECT_NE(records[2].error.find("not supported"), std::string::npos)
        << records[2].error;
    EXPECT_TRUE(records[3].ok()) << "the handle still works: " << records[3].error;
  }
}

}  // namespace
}  // namespace inflight::ch01
