// The twin's URL parsing: what it takes apart, and the clean error it gives
// for everything else.
#include "04_coroutines/asio/url.hpp"

#include <gtest/gtest.h>

namespace inflight::ch04_asio {
namespace {

TEST(parse_http_url, takes_host_port_and_target_apart) {
  const auto url = parse_http_url("http://127.0.0.1:8080/delay/1?x=2");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, "8080");
  EXPECT_EQ(url.target, "/delay/1?x=2");
  EXPECT_EQ(host_header(url), "127.0.0.1:8080");
}

TEST(parse_http_url, defaults_to_port_80_and_the_root) {
  const auto url = parse_http_url("http://example.com");
  EXPECT_EQ(url.port, "80");
  EXPECT_EQ(url.target, "/");
  EXPECT_EQ(host_header(url), "example.com");
  EXPECT_EQ(parse_http_url("http://example.com?q=1").target, "/?q=1");
}

TEST(parse_http_url, reads_an_ipv6_address_in_brackets) {
  const auto url = parse_http_url("http://[::1]:9000/get");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "9000");
  EXPECT_EQ(host_header(url), "[::1]:9000");
  EXPECT_EQ(host_and_port(url), "[::1]:9000");
  EXPECT_EQ(host_header(parse_http_url("http://[::1]/")), "[::1]");
  EXPECT_EQ(host_and_port(parse_http_url("http://example.com/")), "example.com:80");
}

TEST(parse_http_url, leaves_the_fragment_out_of_the_target) {
  EXPECT_EQ(parse_http_url("http://127.0.0.1:8080/delay/1?x=2#top").target,
            "/delay/1?x=2");
  EXPECT_EQ(parse_http_url("http://127.0.0.1/get#a?b/c").target, "/get");
  const auto url = parse_http_url("http://example.com#top");
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, "80");
  EXPECT_EQ(url.target, "/");
}

TEST(parse_http_url, refuses_what_it_cannot_fetch_naming_the_url_and_why) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://127.0.0.1/get", "https is not supported"},
      {"ftp://127.0.0.1/get", "expected http://HOST[:PORT]/PATH"},
      {"127.0.0.1/get", "expected http://HOST[:PORT]/PATH"},
      {"http:///get", "no host"},
      {"http://127.0.0.1:99999/get", "the port must be 1 to 65535, got '99999'"},
      {"http://127.0.0.1:/get", "the port must be 1 to 65535, got ''"},
      {"http://127.0.0.1:0/get", "the port must be 1 to 65535, got '0'"},
      {"http://user:pw@127.0.0.1/get", "user names and passwords"},
      {"http://[::1/get", "no ']'"},
      {"http://127.0.0.1/a b", "a space or a control character"},
      {"http://127.0.0.1/a\tb", "a space or a control character"},
      {"http://127.0.0.1/get\r\nX-Injected: 1", "a space or a control character"},
      {"http://127.0.0.1/\x7f", "a space or a control character"},
      {"http://exa mple.com/", "a space or a control character"},
      {"http://127.0.0.1/get#a b", "a space or a control character"},
  };
  for (const auto& [url, why] : cases) {
    try {
      parse_http_url(url);
      ADD_FAILURE() << url << " was accepted";
    } catch (const bad_url& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind("bad URL '" + std::string(url) + "': ", 0), 0U) << message;
      EXPECT_NE(message.find(why), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace inflight::ch04_asio
