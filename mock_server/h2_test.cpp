// HTTP/2 (h2c, prior knowledge) on the events engine: streams of one
// connection in flight at once, proved by the server's own counts; the same
// routes and errors as HTTP/1.1 on the same port; and each hostile case of
// issue 15, which must end in a clean RST_STREAM or GOAWAY and leave the
// server as it was. The threads engine speaks HTTP/1.1 only: a preface there
// gets its 505.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mock_server/bad_input_corpus.hpp"
#include "mock_server/h2_test_client.hpp"
#include "mock_server/server.hpp"
#include "mock_server/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_limits;
using inflight::mock::server_options;
using json = nlohmann::json;
namespace client = inflight::mock::test;
using client::h2_client;
using client::h2_frame;
using client::h2_raw;

const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::uint8_t DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6,
                       GOAWAY = 7;
constexpr std::uint32_t REFUSED_STREAM = 7, CANCEL = 8, ENHANCE_YOUR_CALM = 11;

class h2_test : public ::testing::Test {
 protected:
  server& start(server_limits limits = {}) {
    server_ = std::make_unique<server>(
        server_options{.engine = engine_kind::events, .limits = limits});
    fds_before_ = client::count_open_fds();
    return *server_;
  }
  // Nothing in flight, no connection or descriptor left, still answering.
  void expect_settled() const {
    auto& s = *server_;
    EXPECT_TRUE(client::wait_until([&] { return s.stats().in_flight == 0; }, 5))
        << "in flight: " << s.stats().in_flight;
    EXPECT_TRUE(client::wait_until([&] { return s.stats().connections == 0; }, 5))
        << "connections: " << s.stats().connections;
    EXPECT_TRUE(
        client::wait_until([&] { return client::count_open_fds() == fds_before_; }, 5))
        << "descriptors: " << client::count_open_fds() << ", were " << fds_before_;
    h2_client c(s.port());
    const auto id = c.submit("/status/201");
    EXPECT_TRUE(c.run(5));
    EXPECT_EQ(c.response(id).status, 201);
  }
  // The frame `stop` looks for, from what the server sent within `timeout_s`.
  static const h2_frame* find(h2_raw& raw,
                              const std::function<bool(const h2_frame&)>& stop,
                              double timeout_s = 5) {
    for (const auto& f : raw.read_until(stop, timeout_s))
      if (stop(f)) return &f;
    return nullptr;
  }
  static bool is_goaway(const h2_frame& f) { return f.type == GOAWAY; }

  std::unique_ptr<server> server_;
  int fds_before_ = 0;
};

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
TEST_F(h2_test, streams_past_the_limit_are_refused) {
  auto& s = start({.max_concurrent_streams = 10});
  h2_raw raw(s.port());
  std::string requests = client::h2_preface_bytes();
  for (int i = 0; i < 15; ++i)
    requests += client::h2_request_bytes(2 * i + 1, "/delay/0.3");
  ASSERT_TRUE(raw.send(requests));
  int answered = 0, refused = 0;
  raw.read_until(
      [&](const h2_frame& f) {
        if (f.type == RST_STREAM && f.error_code() == REFUSED_STREAM) ++refused;
        if (f.type == DATA && (f.flags & 1) != 0) ++answered;
        return answered + refused == 15;
      },
      5);
  EXPECT_EQ(answered, 10);
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(s.stats().peak_in_flight, 10);
  EXPECT_EQ(s.stats().streams, 10U);
  raw.send(client::h2_frame_bytes(GOAWAY, 0, 0, std::string(8, '\0')));
}

// Rapid reset (CVE-2023-44487): streams opened and reset at once never pass
// the limit, yet each is routed. Past the limit's worth in a second: GOAWAY.
// (nghttp2's own limiter, at twice that, would say INTERNAL_ERROR.)
TEST_F(h2_test, a_reset_storm_gets_goaway_enhance_your_calm) {
  auto& s = start({.max_concurrent_streams = 100});
  {
    h2_raw raw(s.port());
    std::string storm = client::h2_preface_bytes();
    const std::string cancel = {0, 0, 0, static_cast<char>(CANCEL)};
    for (int i = 0; i < 300; ++i) {
      storm += client::h2_request_bytes(2 * i + 1, "/delay/1");
      storm += client::h2_frame_bytes(RST_STREAM, 0, 2 * i + 1, cancel);
    }
    raw.send(storm);
    const auto* goaway = find(raw, is_goaway);
    ASSERT_NE(goaway, nullptr);
    EXPECT_EQ(goaway->error_code(), ENHANCE_YOUR_CALM);
    EXPECT_LE(s.stats().streams, 110U);
    EXPECT_EQ(s.stats().refused, 1U);
    EXPECT_TRUE(client::wait_until(
        [&] { return raw.read_until(is_goaway, 0.1), raw.closed(); }, 5));
  }
  expect_settled();
}

// SETTINGS or PING acknowledgements a client never reads: nghttp2 gives up
// past 1,000 queued, as long as we stop taking its frames when our output is
// full. Without that, the server answered into memory without end.
class h2_flood_test : public h2_test, public ::testing::WithParamInterface<int> {};

TEST_P(h2_flood_test, a_flood_from_a_client_that_does_not_read_gets_goaway) {
  auto& s = start();
  {
    h2_raw raw(s.port(), 4096);  // reads nothing for now; a small window
    const auto type = static_cast<std::uint8_t>(GetParam());
    const auto frame = client::h2_frame_bytes(type, 0, 0, type == PING ? "12345678" : "");
    std::string many;
    for (int i = 0; i < 20'000; ++i) many += frame;
    raw.send(client::h2_preface_bytes());
    ASSERT_TRUE(client::wait_until([&] { return s.stats().connections == 1; }, 5));
    std::size_t sent = 0;  // until the server refuses the connection (or 10 s)
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end && s.stats().refused == 0) {
      const auto at = sent % many.size();  // whole frames, one after another
      const auto n = ::send(raw.fd(), many.data() + at, many.size() - at,
                            MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n <= 0) std::this_thread::sleep_for(10ms);
    }
    const auto* goaway = find(raw, is_goaway);  // reading now: it comes after the acks
    ASSERT_NE(goaway, nullptr) << sent << " bytes sent";
    EXPECT_EQ(goaway->error_code(), ENHANCE_YOUR_CALM);
    EXPECT_EQ(s.stats().refused, 1U);
  }
  expect_settled();
}

INSTANTIATE_TEST_SUITE_P(frames, h2_flood_test, ::testing::Values(PING, SETTINGS),
                         [](const auto& info) {
                           return info.param == PING ? "ping" : "settings";
                         });

// A header list past the head limits gets the 431 JSON an HTTP/1.1 head gets.
TEST_F(h2_test, a_huge_header_list_gets_431) {
  auto& s = start();
  client::h2_fields big = {{"x-big", std::string(40 * 1024, 'a')}};
  client::h2_fields many;
  for (int i = 0; i < 150; ++i) many.emplace_back("x-" + std::to_string(i), "y");
  for (const auto& [fields, mentions] :
       {std::pair{big, "limit"}, std::pair{many, "100 header fields"}}) {
    h2_raw raw(s.port());
    raw.send(client::h2_preface_bytes() +
             client::h2_request_bytes(1, "/get", true, fields));
    const auto* body = find(raw, [](const h2_frame& f) { return f.type == DATA; });
    ASSERT_NE(body, nullptr);
    const auto& frames = raw.read_until([](const h2_frame&) { return false; }, 0);
    EXPECT_NE(frames.front().type, GOAWAY);
    EXPECT_NE(body->payload.find(mentions), std::string::npos) << body->payload;
  }
  EXPECT_EQ(s.stats().refused, 2U);
  expect_settled();
}

// A peer whose window never opens holds its answer's body, and its share of
// the bytes-in-flight cap, until send_timeout: then the stream is reset and
// counted as abandoned, and its share is free again.
TEST_F(h2_test, a_window_that_never_opens_is_reset_after_send_timeout) {
  auto& s = start({.max_bytes_in_flight = 150'000, .send_timeout = 500ms});
  {
    h2_raw raw(s.port());
    raw.send(client::h2_preface_bytes({{0x4, 0}}) +  // SETTINGS_INITIAL_WINDOW_SIZE 0
             client::h2_request_bytes(1, "/bytes/100000"));
    ASSERT_TRUE(client::wait_until([&] { return s.stats().in_flight == 1; }, 5));
    raw.send(client::h2_request_bytes(3, "/bytes/100000"));  // past the cap: 503
    const auto* reset = find(
        raw, [](const h2_frame& f) { return f.type == RST_STREAM && f.stream == 1; });
    ASSERT_NE(reset, nullptr);
    EXPECT_EQ(reset->error_code(), CANCEL);
    EXPECT_EQ(s.stats().abandoned, 1U);
    EXPECT_EQ(s.stats().refused, 1U);
    raw.send(client::h2_request_bytes(5, "/bytes/100000"));  // fits again
    EXPECT_TRUE(client::wait_until([&] { return s.stats().in_flight == 1; }, 5));
    EXPECT_EQ(s.stats().refused, 1U);
  }
  expect_settled();
}

// Bytes that are not HTTP/2 after the preface: GOAWAY, then the connection closes.
using garbage = std::pair<const char*, std::string>;
class h2_garbage_test : public h2_test, public ::testing::WithParamInterface<garbage> {};
}  // namespace
namespace std {  // GoogleTest prints the case's name, not its bytes
inline void PrintTo(const garbage& g, std::ostream* out) {
  *out << g.first;
}
}  // namespace std
namespace {

TEST_P(h2_garbage_test, gets_goaway_and_leaves_the_server_as_it_was) {
  auto& s = start();
  {
    h2_raw raw(s.port());
    raw.send(GetParam().second);
    const auto* goaway = find(raw, is_goaway);
    ASSERT_NE(goaway, nullptr);
    EXPECT_NE(goaway->error_code(), 0U);
    raw.read_until([](const h2_frame&) { return false; }, 2);
    EXPECT_TRUE(raw.closed());
  }
  expect_settled();
}

INSTANTIATE_TEST_SUITE_P(
    inputs, h2_garbage_test,
    ::testing::Values(
        std::pair{"ping_before_settings",
                  preface + client::h2_frame_bytes(PING, 0, 0, "12345678")},
        std::pair{"http1_after_the_preface",
                  client::h2_preface_bytes() + client::get_request("/get")},
        std::pair{"window_update_of_0",
                  client::h2_preface_bytes() +
                      client::h2_frame_bytes(8, 0, 0, std::string(4, '\0'))},
        std::pair{"data_on_stream_0",
                  client::h2_preface_bytes() + client::h2_frame_bytes(DATA, 0, 0, "x")},
        std::pair{"bad_hpack",
                  client::h2_preface_bytes() +
                      client::h2_frame_bytes(HEADERS, 5, 1, "\xff\xff\xff\xff")},
        std::pair{
            "settings_bad_length",
            client::h2_preface_bytes() + client::h2_frame_bytes(SETTINGS, 0, 0, "abc")},
        std::pair{"even_stream_id",
                  client::h2_preface_bytes() + client::h2_request_bytes(2, "/get")},
        std::pair{"frame_too_big",
                  client::h2_preface_bytes() +
                      client::h2_frame_bytes(DATA, 0, 1, std::string(20000, 'x'))}),
    [](const auto& info) { return std::string(info.param.first); });

// A body past the limit: 413 before the rest is read. A body that never
// ends: 408 after the request timeout. Each then RST_STREAM(NO_ERROR).
TEST_F(h2_test, request_bodies_get_413_and_408_like_http1) {
  auto& s = start({.max_body_bytes = 1000, .request_timeout = 300ms});
  h2_raw raw(s.port());
  raw.send(client::h2_preface_bytes() + client::h2_request_bytes(1, "/get", false) +
           client::h2_frame_bytes(DATA, 0, 1, std::string(2000, 'x')) +
           client::h2_request_bytes(3, "/get", false));
  std::map<std::int32_t, std::string> bodies;
  raw.read_until(
      [&](const h2_frame& f) {
        if (f.type == DATA) bodies[f.stream] += f.payload;
        return bodies.size() == 2 && bodies.count(3) == 1;
      },
      5);
  EXPECT_NE(bodies[1].find("1000"), std::string::npos) << bodies[1];
  EXPECT_NE(bodies[3].find("within 0.3 s"), std::string::npos) << bodies[3];
  EXPECT_EQ(s.stats().refused, 2U);
  raw.send(client::h2_frame_bytes(GOAWAY, 0, 0, std::string(8, '\0')));
}

TEST_F(h2_test, an_idle_connection_gets_goaway_no_error) {
  auto& s = start({.idle_timeout = 300ms});
  {
    h2_client c(s.port());
    const auto id = c.submit("/get");
    ASSERT_TRUE(c.run(5));
    EXPECT_EQ(c.response(id).status, 200);
    EXPECT_TRUE(c.run(5, [&] { return c.goaway(); }));
    EXPECT_EQ(c.goaway_code(), 0U);
  }
  expect_settled();
}

// stop() cuts every stream (served, not abandoned) and frees every session.
TEST_F(h2_test, stop_cuts_every_stream) {
  auto& s = start();
  h2_client a(s.port()), b(s.port());
  for (int i = 0; i < 20; ++i) a.submit("/hang"), b.submit("/delay/5");
  ASSERT_TRUE(a.run(5, [&] { return s.stats().in_flight == 20; }));
  ASSERT_TRUE(b.run(5, [&] { return s.stats().in_flight == 40; }));
  s.stop();
  const auto stats = s.stats();
  EXPECT_EQ(stats.in_flight, 0);
  EXPECT_EQ(stats.served, 40U);
  EXPECT_EQ(stats.abandoned, 0U);
  EXPECT_EQ(stats.connections, 0);
  a.run(2);
  EXPECT_TRUE(a.connection_ended());
}

// The threads engine speaks HTTP/1.1 only: the preface is a request line with
// version HTTP/2.0, answered 505, and the server goes on serving.
TEST(h2_threads_engine, a_preface_gets_505_and_the_server_goes_on) {
  server s(server_options{.engine = engine_kind::threads});
  const auto reply = client::raw_exchange(
      s.port(), client::h2_preface_bytes() + client::h2_request_bytes(1, "/get"));
  EXPECT_EQ(reply.status, 505) << reply.bytes.substr(0, 200);
  EXPECT_NE(reply.bytes.find("HTTP/2.0 is not supported"), std::string::npos);
  EXPECT_EQ(client::get(s.url() + "/get").status, 200);
  EXPECT_EQ(s.stats().h2_connections_opened, 0U);
}

}  // namespace
