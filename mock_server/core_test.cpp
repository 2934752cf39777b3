// The request-handling core on its own, without an engine: what it keeps per
// client stays bounded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mock_server/routes.hpp"
#include "mock_server/stats.hpp"

namespace {

using inflight::mock::request;
using inflight::mock::request_stats;

// Issue 12, item 13: every distinct seed of /unstable or jitter_ms used to add
// an entry (~100 bytes) that nothing removed.
TEST(seed_table, is_capped_and_refuses_a_new_seed_past_the_cap) {
  request_stats stats("events");
  const auto cap = request_stats::max_sequences;
  for (std::uint64_t seed = 0; seed < cap; ++seed)
    ASSERT_EQ(stats.next_in_sequence("/unstable", seed), 0U);
  EXPECT_EQ(stats.next_in_sequence("/unstable", cap), std::nullopt) << "a new seed";
  EXPECT_EQ(stats.next_in_sequence("/unstable", 7), 1U) << "a known seed goes on";

  const auto r =
      route(request{"GET", "/unstable?seed=99999999", {{"Host", "x"}}, ""}, stats, {});
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(
      nlohmann::json::parse(r.body)["error"].get<std::string>().find("/stats/reset"),
      std::string::npos);
  stats.reset();  // starts over
  EXPECT_EQ(stats.next_in_sequence("/unstable", cap), 0U);
}

}  // namespace
