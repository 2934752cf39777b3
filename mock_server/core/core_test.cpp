// The request-handling core on its own, without an engine: what it keeps per
// client stays bounded, and what it tells the addresses past the client table.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mock_server/core/routes.hpp"
#include "mock_server/core/stats.hpp"
#include "mock_server/room/clients.hpp"

namespace {

using inflight::mock::request;
using inflight::mock::request_stats;

// Every distinct seed of /unstable or jitter_ms adds an entry (~100 bytes):
// the table is capped, or a client sending fresh seeds grows it without end.
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

namespace {

// A HEAD is planned without its body, and /drip makes its body as it goes:
// else a HEAD or a waiting /drip holds memory that the engines' cap on
// answers in progress never sees.
TEST(plan, builds_no_body_for_head_nor_for_drip) {
  request_stats stats("events");
  const auto plan = [&](const char* method, const char* target) {
    return route(request{method, target, {{"Host", "x"}}, ""}, stats, {});
  };
  const auto head_bytes = plan("HEAD", "/bytes/10485760");
  EXPECT_EQ(head_bytes.status, 200);
  EXPECT_EQ(head_bytes.body.size(), 0U);
  const auto head_drip = plan("HEAD", "/drip?numbytes=10485760&delay=4");
  EXPECT_EQ(head_drip.body.size(), 0U);
  const auto get_drip = plan("GET", "/drip?numbytes=10485760&delay=4");
  EXPECT_EQ(get_drip.body.size(), 0U) << "made piece by piece as it is sent";
  const auto head_get = plan("HEAD", "/get");
  EXPECT_EQ(head_get.body.size(), 0U);
  // What Content-Length says is the GET's.
  EXPECT_EQ(head_bytes.length, 10485760U);
  EXPECT_EQ(head_drip.length, 10485760U);
  EXPECT_EQ(get_drip.length, 10485760U);
  EXPECT_EQ(head_get.length, plan("GET", "/get").body.size());
  EXPECT_EQ(body_piece(get_drip, 10485750, 100), std::string(10, '*'));
}

}  // namespace

namespace {

using inflight::mock::client_table;
constexpr auto npos = std::string::npos;

// Past client_table::max_addresses, newcomers share one allowance, "(others)",
// which such an address may hold none of itself: its refusal says that the
// addresses past the table share one allowance, and an address in the table is
// named as the one holding its own.
TEST(late_arrivals, are_told_that_they_share_one_allowance) {
  inflight::mock::server_limits limits;
  limits.max_connections_per_client = 1;
  limits.max_requests_per_second_per_client = 1;
  request_stats stats("events", limits);
  for (std::size_t i = 0; i < client_table::max_addresses; ++i)
    ASSERT_TRUE(stats.client_connected("10.1." + std::to_string(i)));
  EXPECT_FALSE(stats.shares_allowance("10.1.7"));
  EXPECT_TRUE(stats.shares_allowance("192.168.0.2"));
  EXPECT_FALSE(stats.client_connected("10.1.7"));
  const auto own = stats.refused_connection("10.1.7");
  EXPECT_NE(own.find("too many connections from 10.1.7"), npos) << own;
  EXPECT_EQ(own.find("share"), npos) << own;

  // The first late arrival takes the shared connection; the next is refused.
  EXPECT_TRUE(stats.client_connected("192.168.0.1"));
  EXPECT_FALSE(stats.client_connected("192.168.0.2"));
  const auto shared = stats.refused_connection("192.168.0.2");
  EXPECT_NE(shared.find("share one allowance"), npos) << shared;
  EXPECT_NE(shared.find("192.168.0.2 is one of them"), npos) << shared;

  // The 429 of the request rate says the same.
  const request get{"GET", "/get", {{"Host", "x"}}, "192.168.0.3"};
  EXPECT_EQ(route(get, stats, {.limits = limits}).status, 200);  // the second's one
  const auto refused = route(get, stats, {.limits = limits});
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("share one allowance"), npos) << refused.body;
}

}  // namespace
