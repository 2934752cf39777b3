// 10,000 concurrent requests against an engine at its documented settings:
// every request is answered (200), or refused with a 503 JSON that /stats
// counts; none is lost ("Empty reply from server", counted nowhere, is the
// failure it guards against). No timing asserts: figures are the benchmarks'.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mock_server/testing/child_server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using inflight::mock::engine_kind;
using inflight::mock::test::child_server;
using json = nlohmann::json;
namespace client = inflight::mock::test;

constexpr int requests = 10'000;

class load_test : public ::testing::TestWithParam<engine_kind> {};

// This process holds one end of every connection: its soft descriptor limit
// (1,024 on a stock host) goes up to its hard one, as the chapters do.
bool enough_descriptors(std::string& why) {
  constexpr rlim_t needed =
      requests + 1'000;  // curl's own, the test's, the child's pipes
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return why = "getrlimit failed", false;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur >= needed) return true;
  why = "needs " + std::to_string(needed) +
        " descriptors; the hard limit (ulimit -Hn) is " + std::to_string(limit.rlim_max);
  return false;
}

TEST_P(load_test, ten_thousand_at_once_are_all_answered_or_counted_as_refused) {
  if (std::string why; !enough_descriptors(why)) GTEST_SKIP() << why;
  // The program at its defaults, in a child: 10,000 connections on each side
  // of one process could pass the descriptors it may hold.
  const child_server s(GetParam());
  // A generous safety net, not a figure: at --threads 1024, the threads engine
  // serves 10,000 one-second delays in about ten waves.
  const auto results = client::get_all(std::vector(requests, s.url() + "/delay/1"), 120);
  std::map<long, int> by_status;
  std::map<std::string, int> errors;
  for (const auto& r : results) {
    ++by_status[r.status];
    if (r.status == 0) ++errors[r.error];
    if (r.status == 503) {
      EXPECT_TRUE(json::parse(r.body, nullptr, false).contains("error")) << r.body;
    }
  }
  std::string seen;
  for (const auto& [status, n] : by_status)
    seen += " " + std::to_string(status) + ": " + std::to_string(n);
  for (const auto& [error, n] : errors) seen += "; '" + error + "': " + std::to_string(n);
  std::printf("%d requests to /delay/1:%s\n", requests, seen.c_str());
  EXPECT_EQ(by_status[200] + by_status[503], requests) << seen;  // none lost

  const auto stats = json::parse(client::get(s.url() + "/stats").body, nullptr, false);
  ASSERT_TRUE(stats.is_object());
  std::printf("the server's /stats: %s\n", stats.dump().c_str());
  EXPECT_EQ(stats["served"], by_status[200]) << stats;
  EXPECT_GE(stats["refused"].get<int>(), by_status[503]) << stats;
  EXPECT_EQ(stats["in_flight"], 0) << stats;
}

INSTANTIATE_TEST_SUITE_P(engines, load_test, client::both_engines(), client::engine_name);

}  // namespace
