// Chapter 02 from the outside: the server's own count of requests in flight
// proves N at once for a thread each and P at once for a pool of P.
#include <gtest/gtest.h>

#include <cmath>

#include "02_threads/threads.hpp"
#include "harness/test_support/server_fixture.hpp"

namespace inflight::ch02 {
namespace {

using threads_test = test_support::with_server;
// Long enough that every thread has started before the first answer arrives,
// even on a loaded machine under a sanitizer.
constexpr double delay_s = 0.3;
constexpr double timeout_s = 10;

TEST_F(threads_test, a_thread_per_request_has_all_of_them_in_flight) {
  const std::size_t n = 8;
  const harness::run_clock clock;
  thread_cost cost;
  const auto records = fetch_all_threads(delay_urls(n, delay_s), timeout_s, clock, cost);
  const double wall_s = clock.now_s();

  EXPECT_EQ(server.stats().peak_in_flight, static_cast<std::int64_t>(n));
  EXPECT_GE(wall_s, delay_s);
  EXPECT_LT(wall_s, n * delay_s) << "no faster than one at a time";
  // This thread and the N it started, at least (the in-process server has
  // its own): every request's thread was alive at once.
  EXPECT_GE(cost.alive_after_spawn, static_cast<int>(n) + 1);
  ASSERT_EQ(records.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(records[i].index, i);
    EXPECT_TRUE(records[i].ok()) << records[i].error;
  }
}

TEST_F(threads_test, a_pool_of_p_never_has_more_than_p_in_flight) {
  const std::size_t n = 7;
  const std::size_t workers = 3;
  const harness::run_clock clock;
  const auto records = fetch_all_pool(delay_urls(n, delay_s), workers, timeout_s, clock);
  const double wall_s = clock.now_s();

  EXPECT_EQ(server.stats().peak_in_flight, static_cast<std::int64_t>(workers))
      << "the server should hold exactly P requests at once; fewer usually means a "
         "worker runs its job while holding the pool's lock, or the futures are waited "
         "for one by one as they are submitted";
  EXPECT_GE(wall_s, std::ceil(7.0 / 3.0) * delay_s);  // three rounds
  ASSERT_EQ(records.size(), n);
  long connections = 0;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(records[i].index, i) << "futures keep URL order";
    EXPECT_TRUE(records[i].ok()) << records[i].error;
    connections += records[i].connections;
  }
  EXPECT_LE(connections, static_cast<long>(workers))
      << "more connections than workers: is a fresh easy handle made for every task? "
         "Keep one per worker thread (thread_local) and reuse it";
}

TEST_F(threads_test, each_failure_is_reported_with_its_cause_and_none_is_lost) {
  const std::vector<std::string> urls{delay_url(0.05), server.url() + "/status/500",
                                      test_support::closed_port_url(),
                                      server.url() + "/hang"};
  const harness::run_clock clock;
  for (const bool pooled : {false, true}) {
    thread_cost cost;
    const auto records = pooled ? fetch_all_pool(urls, 2, 0.3, clock)
                                : fetch_all_threads(urls, 0.3, clock, cost);
    ASSERT_EQ(records.size(), urls.size());
    EXPECT_TRUE(records[0].ok()) << records[0].error;
    EXPECT_EQ(records[1].error, "HTTP 500");
    EXPECT_NE(records[2].error.find("Failed to connect"), std::string::npos)
        << records[2].error;
    EXPECT_NE(records[3].error.find("timed out"), std::string::npos) << records[3].error;
  }
}

TEST_F(threads_test, a_request_whose_set_up_fails_is_one_failed_record) {
  // Before: in a thread of its own, std::terminate; in the pool, future.get()
  // threw and the other records were lost.
  const std::vector<std::string> urls{delay_url(0), test_support::url_curl_refuses(),
                                      "nosuchscheme://127.0.0.1/", delay_url(0)};
  const harness::run_clock clock;
  for (const bool pooled : {false, true}) {
    thread_cost cost;
    const auto records = pooled ? fetch_all_pool(urls, 2, timeout_s, clock)
                                : fetch_all_threads(urls, timeout_s, clock, cost);
    ASSERT_EQ(records.size(), urls.size()) << "ok + failed == N";
    for (std::size_t i = 0; i < urls.size(); ++i) EXPECT_EQ(records[i].index, i);
    EXPECT_TRUE(records[0].ok()) << records[0].error;
    EXPECT_NE(records[1].error.find("curl_easy_setopt"), std::string::npos)
        << records[1].error.substr(0, 200);
    EXPECT_NE(records[2].error.find("not supported"), std::string::npos)
        << records[2].error;
    EXPECT_TRUE(records[3].ok()) << records[3].error;
  }
}

TEST(thread_stack, the_default_stack_size_can_be_lowered_for_std_jthread) {
  const std::size_t before = thread_stack_kb();
  set_thread_stack_kb(128);
  EXPECT_EQ(thread_stack_kb(), 128U);
  set_thread_stack_kb(before);  // leave the process as the other tests expect it
  EXPECT_THROW(set_thread_stack_kb(1), std::system_error) << "below PTHREAD_STACK_MIN";
}

}  // namespace
}  // namespace inflight::ch02
