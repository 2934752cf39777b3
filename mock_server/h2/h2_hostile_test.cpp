// HTTP/2's hostile cases on the events engine (floods, resets, garbage):
// each must end in a clean RST_STREAM or GOAWAY, counted in /stats where a
// limit refused it, and leave the server as it was.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <memory>
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
using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
namespace client = inflight::mock::test;
using namespace client;  // the fixture, its clients, the frame types and error codes

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

// MadeYouReset (CVE-2025-8671): a client that makes the server reset every
// stream it opens (here, a WINDOW_UPDATE that overflows the stream's window)
// never resets one itself, and nghttp2 resets them without a limit. The
// server's own resets count against the rapid-reset budget: GOAWAY, and the
// client cannot have all its streams routed.
TEST_F(h2_test, streams_the_client_makes_us_reset_get_goaway_enhance_your_calm) {
  auto& s = start({.max_concurrent_streams = 100});
  constexpr int sent = 3'000;  // several reads' worth: the GOAWAY comes between
  {
    h2_raw raw(s.port());
    std::string storm = client::h2_preface_bytes();
    const std::string overflow = {0x7f, '\xff', '\xff', '\xff'};
    for (int i = 0; i < sent; ++i) {
      storm += client::h2_request_bytes(2 * i + 1, "/delay/1");
      storm += client::h2_frame_bytes(WINDOW_UPDATE, 0, 2 * i + 1, overflow);
    }
    raw.send(storm);
    const auto* goaway = find(raw, is_goaway);
    ASSERT_NE(goaway, nullptr) << "the server reset streams without end";
    EXPECT_EQ(goaway->error_code(), ENHANCE_YOUR_CALM);
    int resets = 0;
    for (const auto& f : raw.read_until(is_goaway, 0))
      resets += f.type == RST_STREAM && f.error_code() == FLOW_CONTROL_ERROR ? 1 : 0;
    EXPECT_GE(resets, 100) << "the server reset them itself";
    EXPECT_LT(s.stats().streams, static_cast<std::uint64_t>(sent));
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
