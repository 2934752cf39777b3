// The request-handling core on its own, without an engine: what it keeps per
// client stays bounded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mock_server/core/routes.hpp"
#include "mock_server/core/stats.hpp"
#include "mock_server/http1/http_head.hpp"

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

using inflight::mock::head_result;
using inflight::mock::parse_head;

// RFC 9110 7.6.1: Connection is a list of case-insensitive tokens. RFC 9110
// 10.1.1: no 100 Continue to an HTTP/1.0 client.
TEST(head_parser, reads_connection_tokens_in_any_case_and_no_continue_for_1_0) {
  const inflight::mock::server_limits limits;
  const auto parsed = [&](const std::string& head) { return parse_head(head, limits); };
  for (const char* value : {"Close", "CLOSE", "keep-alive, close", "TE, Close"}) {
    const auto r = parsed(std::string("GET / HTTP/1.1\r\nHost: a\r\nConnection: ") +
                          value + "\r\n\r\n");
    ASSERT_EQ(r.state, head_result::complete) << value;
    EXPECT_FALSE(r.head.keep_alive) << value;
  }
  const auto closing_word =
      parsed("GET / HTTP/1.1\r\nHost: a\r\nConnection: xclosex\r\n\r\n");
  EXPECT_TRUE(closing_word.head.keep_alive) << "'close' inside another token";
  const auto kept = parsed("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  EXPECT_TRUE(kept.head.keep_alive);
  const auto old = parsed(
      "POST /stats/reset HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  ASSERT_EQ(old.state, head_result::complete);
  EXPECT_FALSE(old.head.expects_continue);
}

}  // namespace
