// The HTTP/1.1 head parser on its own, as a pure function of the bytes and the
// limits. Every engine's handling of bad heads is in testing/corpus_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "mock_server/http1/http_head.hpp"

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
