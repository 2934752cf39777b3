// Reading the server's own count over HTTP, and "unknown" where there is
// no /stats to read; a URL's origin (the host --http2 opens a connection to).
#include "harness/server_stats.hpp"

#include <gtest/gtest.h>

#include "harness/test_support/server_fixture.hpp"
#include "harness/transfer.hpp"

namespace inflight::harness {
namespace {

using server_stats_test = test_support::with_server;

TEST_F(server_stats_test, reads_the_peak_and_resets_it) {
  const run_clock clock;
  const easy_handle easy = make_easy();
  transfer t;
  t.record.url = delay_url(0.01);
  set_option(easy.get(), CURLOPT_URL, t.record.url.c_str());
  attach_record(easy.get(), t, clock);
  const request_record r =
      end_transfer(easy.get(), t, curl_easy_perform(easy.get()), clock);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(read_server_peak(server.url()), 1);
  EXPECT_TRUE(reset_server_stats(server.url()));
  EXPECT_EQ(read_server_peak(server.url()), 0);
}

TEST_F(server_stats_test, a_server_without_stats_is_unknown) {
  // /status/404 stands in for a server that has no /stats route.
  EXPECT_FALSE(reset_server_stats(server.url() + "/status/404"));
  EXPECT_FALSE(read_server_peak(server.url() + "/status/404").has_value());
  EXPECT_FALSE(read_server_peak(test_support::closed_port_url()).has_value());
}

TEST(origin_of, is_scheme_host_and_port_with_the_default_port_spelled_out) {
  EXPECT_EQ(origin_of("http://127.0.0.1:8080/delay/1?x=2"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("http://localhost/get"), "http://localhost:80");
  EXPECT_EQ(origin_of("http://[::1]:9/"), "http://[::1]:9");
  EXPECT_EQ(origin_of("http://"), std::nullopt) << "no host: curl cannot parse it";
}

// Which URLs skip a proxy from the environment: this machine's, by name or
// address, and no other.
TEST(proxy_policy, only_this_machine_is_loopback) {
  for (const char* url :
       {"http://localhost:8080/get", "http://LocalHost/get", "http://127.0.0.1:1/",
        "http://127.1.2.3/delay/1", "http://[::1]:8080/get"})
    EXPECT_TRUE(is_loopback_url(url)) << url;
  for (const char* url : {"http://127.example.com/get", "http://example.com/",
                          "http://10.0.0.1/", "http://[::2]/", "not a url"})
    EXPECT_FALSE(is_loopback_url(url)) << url;
}

}  // namespace
}  // namespace inflight::harness
