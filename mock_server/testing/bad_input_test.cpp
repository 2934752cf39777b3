// Every kind of bad input, on both engines: malformed parameters,
// delays above the cap, unknown routes and methods, oversized or garbage
// requests, clients that leave mid-request. Each must get a 4xx (or a closed
// connection where the engine's own parser refuses) and leave the server serving.
#include <gtest/gtest.h>

#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <tuple>

#include "mock_server/server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
using json = nlohmann::json;
namespace client = inflight::mock::test;

// One bad request and what it must get back.
struct bad_request {
  const char* name;  // the test's name
  const char* method;
  const char* target;
  long status;
  const char* mentions;  // the error message must contain this
};

void PrintTo(const bad_request& bad, std::ostream* out) {
  *out << bad.method << ' ' << bad.target;
}

const bad_request bad_requests[] = {
    {"delay_abc", "GET", "/delay/abc", 400, "abc"},
    {"delay_negative", "GET", "/delay/-1", 400, "-1"},
    {"delay_nan", "GET", "/delay/nan", 400, "nan"},
    {"delay_inf", "GET", "/delay/inf", 400, "inf"},
    {"delay_1e309", "GET", "/delay/1e309", 400, "1e309"},
    {"delay_empty", "GET", "/delay/", 400, "delay"},
    {"delay_above_cap", "GET", "/delay/11", 400, "cap of 10"},
    {"delay_unknown_parameter", "GET", "/delay/1?sceonds=2", 400, "sceonds"},
    {"delay_ms_abc", "GET", "/delay?ms=abc", 400, "abc"},
    {"delay_ms_empty", "GET", "/delay?ms=", 400, "ms"},
    {"delay_ms_missing", "GET", "/delay", 400, "ms"},
    {"delay_ms_negative", "GET", "/delay?ms=-5", 400, "-5"},
    {"delay_ms_above_cap", "GET", "/delay?ms=10001", 400, "cap of 10"},
    {"delay_jitter_negative", "GET", "/delay?ms=1&jitter_ms=-1", 400, "jitter_ms"},
    {"status_99", "GET", "/status/99", 400, "99"},
    {"status_100", "GET", "/status/100", 400, "100"},
    {"status_199", "GET", "/status/199", 400, "199"},
    {"status_600", "GET", "/status/600", 400, "600"},
    {"status_negative", "GET", "/status/-200", 400, "-200"},
    {"status_abc", "GET", "/status/abc", 400, "abc"},
    {"status_empty", "GET", "/status/", 400, "status"},
    {"bytes_above_10_mib", "GET", "/bytes/10485761", 400, "10485760"},
    {"bytes_negative", "GET", "/bytes/-1", 400, "-1"},
    {"bytes_bad_seed", "GET", "/bytes/8?seed=x", 400, "seed"},
    {"drip_negative_duration", "GET", "/drip?duration=-1", 400, "duration"},
    {"drip_above_cap", "GET", "/drip?duration=6&delay=6", 400, "cap of 10"},
    {"drip_too_many_bytes", "GET", "/drip?numbytes=10485761", 400, "numbytes"},
    {"drip_bad_code", "GET", "/drip?duration=0&code=99", 400, "99"},
    {"unstable_rate_negative", "GET", "/unstable?failure_rate=-0.1", 400, "failure_rate"},
    {"unstable_rate_above_1", "GET", "/unstable?failure_rate=1.5", 400, "failure_rate"},
    {"unstable_rate_nan", "GET", "/unstable?failure_rate=nan", 400, "failure_rate"},
    {"bad_percent_encoding", "GET", "/get?a=%zz", 400, "percent"},
    {"unknown_root", "GET", "/", 404, "/"},
    {"unknown_route", "GET", "/nope", 404, "/nope"},
    {"unknown_near_miss", "GET", "/delays/1", 404, "/delays/1"},
    {"status_without_code", "GET", "/status", 404, "/status"},
    {"post_delay", "POST", "/delay/0", 405, "POST"},
    {"delete_get", "DELETE", "/get", 405, "DELETE"},
    {"put_status", "PUT", "/status/200", 405, "PUT"},
    {"post_stats", "POST", "/stats", 405, "POST"},
    {"get_stats_reset", "GET", "/stats/reset", 405, "POST"},
};

class bad_request_test
    : public ::testing::TestWithParam<std::tuple<engine_kind, bad_request>> {};

TEST_P(bad_request_test, gets_a_json_error_and_the_server_goes_on) {
  const auto& [engine, bad] = GetParam();
  server s(server_options{.engine = engine});
  const auto r = client::perform({.url = s.url() + bad.target, .method = bad.method});
  EXPECT_EQ(r.status, bad.status) << r.error << r.body;
  EXPECT_NE(r.header("Content-Type").find("application/json"), std::string::npos);
  EXPECT_NE(r.header("Server-Timing"), "");
  const auto body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(body.is_object() && body.contains("error")) << r.body;
  EXPECT_NE(body["error"].get<std::string>().find(bad.mentions), std::string::npos)
      << body["error"] << " should mention " << bad.mentions;
  EXPECT_EQ(client::get(s.url() + "/delay/0").status, 200);
  EXPECT_TRUE(client::wait_until([&] { return s.stats().in_flight == 0; }, 2));
}

INSTANTIATE_TEST_SUITE_P(engines, bad_request_test,
                         ::testing::Combine(client::both_engines(),
                                            ::testing::ValuesIn(bad_requests)),
                         [](const auto& info) {
                           return to_string(std::get<0>(info.param)) + "_" +
                                  std::get<1>(info.param).name;
                         });

// A server per test: each case below checks the server's own counts afterwards.
class bad_client_test : public ::testing::TestWithParam<engine_kind> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<server>(server_options{.engine = GetParam()});
  }
  // Still answering, and nothing left in flight.
  void expect_still_serving() const {
    EXPECT_EQ(client::get(server_->url() + "/get").status, 200);
    EXPECT_TRUE(client::wait_until([&] { return server_->stats().in_flight == 0; }, 5))
        << "in flight: " << server_->stats().in_flight;
  }
  // Refused by a 4xx, or by closing the connection: anything but a hang or a 2xx.
  static void expect_refused(const client::raw_reply& reply) {
    EXPECT_FALSE(reply.timed_out)
        << "no answer, no close: " << reply.bytes.substr(0, 200);
    if (reply.status != 0) {
      EXPECT_TRUE(reply.status >= 400 && reply.status < 500)
          << reply.bytes.substr(0, 200);
    } else {
      EXPECT_TRUE(reply.closed) << reply.bytes.substr(0, 200);
    }
  }
  std::unique_ptr<server> server_;
};

INSTANTIATE_TEST_SUITE_P(engines, bad_client_test, client::both_engines(),
                         client::engine_name);

TEST_P(bad_client_test, a_cap_set_by_the_options_is_named_in_the_error) {
  const server capped(server_options{.engine = GetParam(), .max_delay_s = 0.5});
  const auto r = client::get(capped.url() + "/delay/1");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("0.5"), std::string::npos) << r.body;
  EXPECT_EQ(client::get(capped.url() + "/drip?duration=0.3&delay=0.3").status, 400);
  EXPECT_EQ(client::get(capped.url() + "/delay/0.1").status, 200);
}

TEST_P(bad_client_test, an_oversized_uri_is_refused) {
  const std::string target = "/get?x=" + std::string(100 * 1024, 'a');
  expect_refused(client::raw_exchange(
      server_->port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  expect_still_serving();
}

TEST_P(bad_client_test, an_oversized_header_is_refused) {
  const std::string header = "X-Big: " + std::string(100 * 1024, 'a') + "\r\n";
  expect_refused(client::raw_exchange(
      server_->port(), "GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + "\r\n"));
  expect_still_serving();
}

TEST_P(bad_client_test, garbage_instead_of_http_is_refused) {
  std::string binary;
  for (int i = 0; i < 512; ++i) {  // no CR or LF: the line ends where we say
    const char c = static_cast<char>((i * 37 + 11) % 256);
    binary += (c == '\r' || c == '\n') ? '\0' : c;
  }
  for (const std::string& garbage :
       {binary + "\r\n\r\n", std::string("HELLO\r\n\r\n"), std::string("GET\r\n\r\n")}) {
    SCOPED_TRACE(::testing::PrintToString(garbage.substr(0, 24)));
    expect_refused(client::raw_exchange(server_->port(), garbage));
  }
  expect_still_serving();
}

// A client that leaves mid-request: the server notices, counts it as abandoned,
// and its in-flight count returns to zero well before the request would have
// ended. One case takes longer: a threads-engine thread dripping a body finds
// out at its next piece (2 s apart here), when the write is answered by a reset.
class leaving_client_test
    : public ::testing::TestWithParam<std::tuple<engine_kind, std::string>> {};

TEST_P(leaving_client_test, is_counted_as_abandoned_and_in_flight_returns_to_zero) {
  const auto& [engine, target] = GetParam();
  server s(server_options{.engine = engine});
  {
    client::raw_connection connection(s.port());
    ASSERT_TRUE(
        connection.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_TRUE(client::wait_until([&] { return s.stats().in_flight == 1; }, 5));
  }  // closes the connection
  const bool dripping = engine == engine_kind::threads && target.rfind("/drip", 0) == 0;
  EXPECT_TRUE(client::wait_until(
      [&] { return s.stats().in_flight == 0 && s.stats().abandoned == 1; },
      dripping ? 5 : 1.5))
      << "in flight: " << s.stats().in_flight << ", abandoned: " << s.stats().abandoned;
  EXPECT_EQ(s.stats().served, 1U);
  EXPECT_EQ(client::get(s.url() + "/delay/0").status, 200);
  EXPECT_TRUE(client::wait_until([&] { return s.stats().served == 2; }, 2));
}

INSTANTIATE_TEST_SUITE_P(
    engines, leaving_client_test,
    ::testing::Combine(client::both_engines(),
                       ::testing::Values("/delay/2", "/hang",
                                         "/drip?duration=8&numbytes=4")),
    [](const auto& info) {
      std::string name = to_string(std::get<0>(info.param)) + std::get<1>(info.param);
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

TEST_P(bad_client_test, half_a_request_then_gone) {
  {
    client::raw_connection connection(server_->port());
    connection.send("GET /delay/0 HTTP/1.1\r\nHo");
  }
  expect_still_serving();
  EXPECT_EQ(server_->stats().served, 1U);  // only the /get: nothing to answer before
}

TEST_P(bad_client_test, connections_that_never_say_a_word) {
  for (int i = 0; i < 20; ++i) client::raw_connection connection(server_->port());
  expect_still_serving();
  EXPECT_EQ(server_->stats().served, 1U);
}

}  // namespace
