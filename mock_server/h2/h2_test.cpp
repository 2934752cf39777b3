// HTTP/2 (h2c, prior knowledge) on the events engine: streams of one
// connection in flight at once, proved by the server's own counts; the same
// routes and errors as HTTP/1.1 on the same port. The hostile cases are
// h2_hostile_test.cpp's.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mock_server/h2/h2_fixture.hpp"
#include "mock_server/http1/bad_input_corpus.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/h2_test_client.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace client = inflight::mock::test;
using namespace client;  // the fixture, its clients, the frame types and error codes

// A connection that outlives a reset is counted again by its next request:
// the counts after a reset describe what came after it.
TEST_F(h2_test, a_connection_that_outlives_a_reset_is_counted_again) {
  auto& s = start();
  h2_client c(s.port());
  c.submit("/get");
  ASSERT_TRUE(c.run(5));
  s.reset_stats();
  const auto id = c.submit("/get");
  ASSERT_TRUE(c.run(5));
  EXPECT_EQ(c.response(id).status, 200);
  const auto stats = s.stats();
  EXPECT_EQ(stats.connections_opened, 1U);
  EXPECT_EQ(stats.h2_connections_opened, 1U);
  EXPECT_EQ(stats.streams, 1U);
}

TEST_F(h2_test, streams_of_one_connection_are_in_flight_at_once) {
  auto& s = start();
  h2_client c(s.port());
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(c.submit("/delay/0.2"));
  ASSERT_TRUE(c.run(20));
  for (const auto id : ids) ASSERT_EQ(c.response(id).status, 200) << "stream " << id;
  const auto stats = s.stats();
  EXPECT_EQ(stats.peak_in_flight, 200);
  EXPECT_EQ(stats.connections_opened, 1U);
  EXPECT_EQ(stats.h2_connections_opened, 1U);
  EXPECT_EQ(stats.streams, 200U);
  EXPECT_EQ(stats.served, 200U);
  EXPECT_EQ(stats.abandoned, 0U);
  const auto body = client::get(s.url() + "/stats").body;  // and in the JSON
  const auto j = json::parse(body);
  EXPECT_EQ(j["streams"], 200) << body;
  EXPECT_EQ(j["h2_connections_opened"], 1) << body;
  // The HTTP/1.1 connection that asked for /stats carried no counted request.
  EXPECT_EQ(j["connections_opened"], 1) << body;
}

TEST_F(h2_test, many_connections_each_with_streams) {
  auto& s = start();
  std::vector<std::unique_ptr<h2_client>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<h2_client>(s.port()));
    for (int k = 0; k < 10; ++k) clients.back()->submit("/delay/1");
    clients.back()->run(0.01, [] { return false; });  // sent; answers come later
  }
  for (auto& c : clients) ASSERT_TRUE(c->run(10));
  EXPECT_EQ(s.stats().peak_in_flight, 200);
  EXPECT_EQ(s.stats().h2_connections_opened, 20U);
  EXPECT_EQ(s.stats().streams, 200U);
  clients.clear();
  expect_settled();
}

// Every route answers over HTTP/2 exactly what it answers over HTTP/1.1.
TEST_F(h2_test, routes_and_errors_match_http1) {
  auto& s = start();
  h2_client c(s.port());
  struct ask {
    const char* method;
    const char* path;
  };
  const ask asks[] = {{"GET", "/status/418"},
                      {"GET", "/status/204"},
                      {"GET", "/bytes/1000?seed=5"},
                      {"GET", "/delay/abc"},
                      {"GET", "/delay/11"},
                      {"GET", "/nope"},
                      {"POST", "/delay/0"},
                      {"GET", "/get?a=%zz"},
                      {"GET", "/unstable?failure_rate=1"},
                      {"GET", "/drip?numbytes=5&duration=0"},
                      {"BREW", "/get"},
                      {"GET", "/stats/reset"}};
  for (const auto& [method, path] : asks) {
    SCOPED_TRACE(std::string(method) + " " + path);
    const auto id = c.submit(path, method);
    ASSERT_TRUE(c.run(5));
    const auto& two = c.response(id);
    const auto one = client::perform({.url = s.url() + path, .method = method});
    EXPECT_EQ(two.status, one.status);
    EXPECT_EQ(two.body, one.body);
    EXPECT_EQ(two.header("content-type"), one.header("Content-Type"));
    EXPECT_EQ(two.header("allow"), one.header("Allow"));
    EXPECT_NE(two.header("server-timing").find("queue;dur="), std::string::npos);
    EXPECT_FALSE(two.header("date").empty());
  }
  // /get: :authority is its Host, and the headers are what was sent.
  const auto id = c.submit("/get?a=1", "GET", {{"x-inflight-test", "yes"}});
  ASSERT_TRUE(c.run(5));
  const auto body = json::parse(c.response(id).body);
  EXPECT_EQ(body["url"], "http://127.0.0.1:" + std::to_string(s.port()) + "/get?a=1");
  EXPECT_EQ(body["headers"], json({{"host", "127.0.0.1:" + std::to_string(s.port())},
                                   {"x-inflight-test", "yes"}}));
  EXPECT_EQ(body["origin"], "127.0.0.1");
  // HEAD: the GET's length, no body.
  const auto head = c.submit("/bytes/100", "HEAD");
  ASSERT_TRUE(c.run(5));
  EXPECT_EQ(c.response(head).status, 200);
  EXPECT_EQ(c.response(head).header("content-length"), "100");
  EXPECT_EQ(c.response(head).body, "");
  // POST /stats/reset resets.
  const auto reset = c.submit("/stats/reset", "POST");
  ASSERT_TRUE(c.run(5));
  EXPECT_EQ(c.response(reset).status, 200);
  EXPECT_EQ(s.stats().streams, 0U);
}

// /drip's pieces go out over its duration, through the deferred data provider,
// while other streams of the connection are answered meanwhile.
TEST_F(h2_test, drip_trickles_beside_fast_streams) {
  auto& s = start();
  h2_client c(s.port());
  const auto drip = c.submit("/drip?duration=0.4&numbytes=8");
  const auto start_time = std::chrono::steady_clock::now();
  std::size_t seen = 0;
  std::vector<double> arrivals;  // seconds, when the body grew
  ASSERT_TRUE(c.run(5, [&] {
    const auto& r = c.response(drip);
    if (r.body.size() != seen) {
      seen = r.body.size();
      arrivals.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time)
              .count());
    }
    return r.closed;
  }));
  EXPECT_EQ(c.response(drip).body, std::string(8, '*'));
  ASSERT_GE(arrivals.size(), 2U);
  EXPECT_GE(arrivals.back() - arrivals.front(), 0.2);
  EXPECT_EQ(s.stats().served, 1U);
}

// One port, both protocols: a prefix of the preface waits for the rest; bytes
// that leave it are HTTP/1.1's (the preface's own request line gets its 505);
// Upgrade: h2c is ignored.
TEST_F(h2_test, the_preface_is_sniffed_and_http1_stays_http1) {
  auto& s = start();
  EXPECT_EQ(client::raw_exchange(s.port(), "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n").status,
            505);
  EXPECT_EQ(client::raw_exchange(s.port(), client::get_request("/get",
                                                               "Connection: Upgrade\r\n"
                                                               "Upgrade: h2c\r\n"))
                .status,
            200);
  h2_raw raw(s.port());
  ASSERT_TRUE(raw.send(preface.substr(0, 10)));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(raw.send(preface.substr(10) + client::h2_preface_bytes().substr(24) +
                       client::h2_request_bytes(1, "/status/202")));
  const auto* answer = find(raw, [](const h2_frame& f) { return f.type == HEADERS; });
  ASSERT_NE(answer, nullptr);
  EXPECT_EQ(answer->stream, 1);
  EXPECT_EQ(s.stats().h2_connections_opened, 1U);
  // The 505 was refused before routing: its connection carried no request.
  EXPECT_EQ(s.stats().connections_opened, 2U);
}

TEST_F(h2_test, a_stream_reset_before_its_answer_is_abandoned) {
  auto& s = start();
  h2_client c(s.port());
  const auto slow = c.submit("/delay/5");
  const auto hang = c.submit("/hang");
  const auto fast = c.submit("/delay/0.1");
  ASSERT_TRUE(c.run(5, [&] { return s.stats().in_flight == 3; }));
  c.reset(slow);
  c.reset(hang);
  ASSERT_TRUE(c.run(3, [&] { return c.response(fast).closed; }));
  EXPECT_EQ(c.response(fast).status, 200);
  EXPECT_TRUE(client::wait_until([&] { return s.stats().abandoned == 2; }, 2))
      << "abandoned: " << s.stats().abandoned;
  EXPECT_EQ(s.stats().served, 3U);
  EXPECT_EQ(s.stats().in_flight, 0);
}

TEST_F(h2_test, a_client_that_disappears_mid_stream_abandons_them_all) {
  auto& s = start();
  {
    h2_raw raw(s.port());
    std::string requests = client::h2_preface_bytes();
    for (int i = 0; i < 10; ++i) requests += client::h2_request_bytes(2 * i + 1, "/hang");
    for (int i = 10; i < 20; ++i)
      requests += client::h2_request_bytes(2 * i + 1, "/drip?duration=5&numbytes=100");
    ASSERT_TRUE(raw.send(requests));
    ASSERT_TRUE(client::wait_until([&] { return s.stats().in_flight == 20; }, 5));
  }  // closed
  EXPECT_TRUE(client::wait_until([&] { return s.stats().abandoned == 20; }, 2))
      << "abandoned: " << s.stats().abandoned;
  expect_settled();
}

// A client that opens more than the limit before it has the server's SETTINGS
// gets RST_STREAM(REFUSED_STREAM) for each stream past it; the rest are served.
// More refusals than the reset budget (the limit a second): an ordinary reset
// of ours is not one the client made us send, and brings no GOAWAY.
TEST_F(h2_test, streams_past_the_limit_are_refused) {
  auto& s = start({.max_concurrent_streams = 10});
  h2_raw raw(s.port());
  std::string requests = client::h2_preface_bytes();
  constexpr int sent = 35;
  for (int i = 0; i < sent; ++i)
    requests += client::h2_request_bytes(2 * i + 1, "/delay/0.3");
  ASSERT_TRUE(raw.send(requests));
  int answered = 0, refused = 0;
  raw.read_until(
      [&](const h2_frame& f) {
        if (f.type == RST_STREAM && f.error_code() == REFUSED_STREAM) ++refused;
        if (f.type == DATA && (f.flags & 1) != 0) ++answered;
        return answered + refused == sent;
      },
      5);
  EXPECT_EQ(answered, 10);
  EXPECT_EQ(refused, sent - 10);
  EXPECT_EQ(s.stats().refused, 0U) << "the connection was refused (GOAWAY)";
  EXPECT_EQ(s.stats().peak_in_flight, 10);
  EXPECT_EQ(s.stats().streams, 10U);
  raw.send(client::h2_frame_bytes(GOAWAY, 0, 0, std::string(8, '\0')));
}

}  // namespace
