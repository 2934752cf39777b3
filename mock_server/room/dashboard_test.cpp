// /dashboard and its feed, /stats/live, and the room's per-client limits: the
// pieces below them (timeline, client_table) with a clock of our own, then
// both engines from the outside. The page in a real browser has its own test,
// dashboard_browser_test.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "mock_server/room/clients.hpp"
#include "mock_server/room/timeline.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/h2_test_client.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using inflight::mock::client_table;
using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_limits;
using inflight::mock::server_options;
using inflight::mock::timeline;
using json = nlohmann::json;
using std::chrono::milliseconds;
namespace client = inflight::mock::test;

const auto t0 = timeline::clock::time_point{} + std::chrono::hours(1);
constexpr auto admitted = client_table::verdict::admitted;
constexpr auto over_rate = client_table::verdict::over_rate;
constexpr auto over_in_flight = client_table::verdict::over_in_flight;

std::int64_t most_in_flight(const std::vector<timeline::point>& points) {
  std::int64_t most = 0;
  for (const auto& p : points) most = std::max(most, p.peak_in_flight);
  return most;
}

TEST(timeline_test, a_bucket_keeps_the_most_in_flight_at_any_moment_in_it) {
  timeline t(t0);
  // Three begin and end inside one bucket: a sample at its edges would see 0.
  t.started(t0 + milliseconds(10), 1, 0.5);
  t.started(t0 + milliseconds(20), 2, 7.0);
  t.started(t0 + milliseconds(30), 3, std::nullopt);
  t.ended(t0 + milliseconds(40), 2);
  t.ended(t0 + milliseconds(50), 1);
  t.ended(t0 + milliseconds(60), 0);
  const auto points = t.since(t0 + milliseconds(100), 0, std::nullopt);
  ASSERT_EQ(points.size(), 1U);
  EXPECT_EQ(points[0].peak_in_flight, 3);
  EXPECT_EQ(points[0].started, 3U);
  EXPECT_EQ(points[0].completed, 3U);
  EXPECT_EQ(points[0].queue_max_ms, 7.0);
}

TEST(timeline_test, quiet_buckets_carry_what_stayed_in_flight) {
  timeline t(t0);
  t.started(t0 + milliseconds(50), 1, std::nullopt);  // bucket 0
  t.ended(t0 + milliseconds(1'050), 0);               // bucket 5
  const auto points = t.since(t0 + milliseconds(1'450), 0, std::nullopt);
  ASSERT_EQ(points.size(), 8U);  // buckets 0 to 7
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].serial, i);
  for (std::size_t i = 0; i <= 5; ++i) EXPECT_EQ(points[i].peak_in_flight, 1) << i;
  EXPECT_EQ(points[5].completed, 1U);
  EXPECT_EQ(points[6].peak_in_flight, 0);
  EXPECT_EQ(points[7].peak_in_flight, 0);
}

TEST(timeline_test, keeps_one_minute_and_answers_only_what_is_newer) {
  timeline t(t0);
  for (int i = 0; i < 400; ++i) {  // 80 s of buckets, one request each
    t.started(t0 + i * timeline::bucket, 1, std::nullopt);
    t.ended(t0 + i * timeline::bucket + milliseconds(1), 0);
  }
  const auto now = t0 + 399 * timeline::bucket;
  const auto all = t.since(now, 0, std::nullopt);
  ASSERT_EQ(all.size(), timeline::kept);
  EXPECT_EQ(all.front().serial, 100U);
  EXPECT_EQ(all.back().serial, 399U);
  const auto newer = t.since(now, 0, 397);
  ASSERT_EQ(newer.size(), 2U);
  EXPECT_EQ(newer[0].serial, 398U);
  EXPECT_TRUE(t.since(now, 0, 399).empty());
  // After two quiet minutes, the minute answered is all quiet, and complete.
  const auto later = t.since(now + std::chrono::minutes(2), 0, std::nullopt);
  ASSERT_EQ(later.size(), timeline::kept);
  EXPECT_EQ(most_in_flight(later), 0);
}

server_limits room(int connections, std::size_t bytes, int rate, int in_flight = 0) {
  server_limits l;
  l.max_connections_per_client = connections;
  l.max_bytes_per_client = bytes;
  l.max_requests_per_second_per_client = rate;
  l.max_in_flight_per_client = in_flight;
  return l;
}

TEST(client_table_test, without_limits_it_only_counts) {
  client_table clients(server_limits{});
  for (int i = 0; i < 5'000; ++i) ASSERT_TRUE(clients.connected("10.0.0.7"));
  for (int i = 0; i < 5'000; ++i) ASSERT_EQ(clients.admit("10.0.0.7", t0), admitted);
  EXPECT_TRUE(clients.take_bytes("10.0.0.7", SIZE_MAX / 2));
  const auto seen = clients.snapshot(t0, 10);
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].connections, 5'000);
  EXPECT_EQ(seen[0].requests, 5'000U);
  EXPECT_EQ(seen[0].limited, 0U);
}

TEST(client_table_test, an_address_holds_its_share_of_connections_and_bytes) {
  client_table clients(room(2, 1'000, 0));
  EXPECT_TRUE(clients.connected("10.0.0.7"));
  EXPECT_TRUE(clients.connected("10.0.0.7"));
  EXPECT_FALSE(clients.connected("10.0.0.7"));
  EXPECT_TRUE(clients.connected("10.0.0.8"));  // another laptop has its own share
  clients.disconnected("10.0.0.7");
  EXPECT_TRUE(clients.connected("10.0.0.7"));

  EXPECT_TRUE(clients.take_bytes("10.0.0.7", 600));
  EXPECT_EQ(clients.bytes_left("10.0.0.7"), 400U);
  EXPECT_FALSE(clients.take_bytes("10.0.0.7", 401));
  EXPECT_TRUE(clients.take_bytes("10.0.0.8", 1'000));
  clients.give_back_bytes("10.0.0.7", 600);
  EXPECT_TRUE(clients.take_bytes("10.0.0.7", 1'000));
  EXPECT_EQ(
      clients.snapshot(t0, 10).front().limited + clients.snapshot(t0, 10).back().limited,
      1U);  // the refused connection; bytes are refused by the engine's 503
}

TEST(client_table_test, the_rate_allows_a_seconds_burst_then_refills) {
  client_table clients(room(0, 0, 100));
  int passed = 0;
  for (int i = 0; i < 150; ++i)
    passed += clients.admit("10.0.0.7", t0) == admitted ? 1 : 0;
  EXPECT_EQ(passed, 100);
  EXPECT_EQ(clients.admit("10.0.0.7", t0 + milliseconds(5)), over_rate);  // half a token
  EXPECT_EQ(clients.admit("10.0.0.7", t0 + milliseconds(20)),
            admitted);                                 // two tokens back
  EXPECT_EQ(clients.admit("10.0.0.8", t0), admitted);  // another address, its own bucket
  const auto seen = clients.snapshot(t0 + milliseconds(20), 10);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].address, "10.0.0.7");
  EXPECT_EQ(seen[0].requests, 101U);
  EXPECT_EQ(seen[0].limited, 51U);
}

TEST(client_table_test, requests_in_flight_are_held_to_the_share) {
  client_table clients(room(0, 0, 0, 2));
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(clients.admit("10.0.0.7", t0), admitted);
    clients.began("10.0.0.7");
  }
  EXPECT_EQ(clients.admit("10.0.0.7", t0), over_in_flight);
  EXPECT_EQ(clients.admit("10.0.0.8", t0), admitted);
  clients.ended("10.0.0.7");
  EXPECT_EQ(clients.admit("10.0.0.7", t0), admitted);
  EXPECT_EQ(clients.snapshot(t0, 10).front().in_flight, 1);
}

TEST(client_table_test, past_its_size_new_addresses_share_one_entry) {
  client_table clients(room(1, 0, 0));
  for (std::size_t i = 0; i < client_table::max_addresses; ++i)
    ASSERT_TRUE(clients.connected("10.1." + std::to_string(i)));
  EXPECT_TRUE(clients.connected("192.168.0.1"));   // the first of the rest
  EXPECT_FALSE(clients.connected("192.168.0.2"));  // shares its one connection
  EXPECT_EQ(clients.size(), client_table::max_addresses + 1);
}

// Both engines from the outside.
class dashboard_test : public ::testing::TestWithParam<engine_kind> {
 protected:
  void start(server_limits limits = {}) {
    server_ =
        std::make_unique<server>(server_options{.engine = GetParam(), .limits = limits});
  }
  [[nodiscard]] std::string url(const std::string& path) const {
    return server_->url() + path;
  }
  [[nodiscard]] json live(const std::string& query = "") const {
    const auto r = client::get(url("/stats/live" + query));
    EXPECT_EQ(r.status, 200) << r.error << r.body;
    return json::parse(r.body, nullptr, false);
  }
  std::unique_ptr<server> server_;
};

INSTANTIATE_TEST_SUITE_P(engines, dashboard_test, client::both_engines(),
                         client::engine_name);

TEST_P(dashboard_test, the_page_is_small_self_contained_html_and_not_counted) {
  start();
  const auto r = client::get(url("/dashboard"));
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_LE(r.body.size(), 50U * 1024);
  EXPECT_NE(r.body.find("fetch(`/stats/live"), std::string::npos);
  // Nothing from elsewhere: no script, style, image or font by address, and
  // a policy that would block one if it crept in.
  EXPECT_FALSE(std::regex_search(r.body, std::regex(R"((src|href)\s*=|@import|url\()")))
      << "the page loads something";
  EXPECT_NE(r.body.find("default-src 'none'; connect-src 'self'"), std::string::npos);
  EXPECT_EQ(client::get(url("/dashboard?x=1")).status, 400);
  const auto stats = server_->stats();
  EXPECT_EQ(stats.served, 0U);
  EXPECT_TRUE(stats.routes.empty());
}

TEST_P(dashboard_test, the_feed_plots_the_peak_that_stats_counts) {
  start();
  constexpr int n = 60;
  // Long enough that all n overlap on either engine: the threads engine
  // starts a thread per connection, and under ThreadSanitizer on a busy
  // machine a start can take longer than a short delay divided by n.
  const auto results = client::get_all(std::vector(n, url("/delay?ms=2000")));
  for (const auto& r : results) ASSERT_EQ(r.status, 200) << r.error;
  const auto feed = live();
  ASSERT_TRUE(feed.is_object());
  std::int64_t plotted = 0;
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  for (const auto& p : feed["points"]) {
    plotted = std::max(plotted, p[1].get<std::int64_t>());
    started += p[2].get<std::uint64_t>();
    completed += p[3].get<std::uint64_t>();
  }
  EXPECT_EQ(plotted, n) << "the server's own peak: " << server_->stats().peak_in_flight;
  EXPECT_EQ(feed["peak_in_flight"], server_->stats().peak_in_flight);
  EXPECT_EQ(started, n);
  client::wait_until([&] { return server_->stats().in_flight == 0; }, 5);
  EXPECT_EQ(feed["engine"], to_string(GetParam()));
  EXPECT_EQ(feed["routes"]["/delay"], n);
  ASSERT_EQ(feed["clients"].size(), 1U);
  EXPECT_EQ(feed["clients"][0]["address"], "127.0.0.1");
  EXPECT_EQ(feed["clients"][0]["requests"], n);
  EXPECT_TRUE(feed["per_client"].is_null());
  EXPECT_LE(completed, static_cast<std::uint64_t>(n));
  EXPECT_EQ(server_->stats().served,
            static_cast<std::uint64_t>(n));  // the feed is not counted
}

TEST_P(dashboard_test, the_feed_answers_only_the_buckets_after_since) {
  start();
  const auto first = live();
  const auto now = first["now"].get<std::uint64_t>();
  ASSERT_FALSE(first["points"].empty());
  EXPECT_EQ(first["points"].back()[0], now);
  const auto again = live("?since=" + std::to_string(now));
  for (const auto& p : again["points"]) EXPECT_GT(p[0].get<std::uint64_t>(), now);
  EXPECT_EQ(client::get(url("/stats/live?since=-1")).status, 400);
  EXPECT_EQ(client::get(url("/stats/live?since=1&other=2")).status, 400);
  EXPECT_EQ(client::get(url("/stats/live?since=99999999999999999999")).status, 400);
}

TEST_P(dashboard_test, an_address_past_its_request_rate_gets_429_and_is_named) {
  start(room(0, 0, 20));
  const auto results = client::get_all(std::vector(50, url("/delay?ms=100")));
  std::map<long, int> by_status;
  for (const auto& r : results) {
    ++by_status[r.status];
    if (r.status == 429) {
      EXPECT_NE(r.body.find("too many requests from 127.0.0.1"), std::string::npos)
          << r.body;
    }
  }
  // A second's worth (20) at once; a few more may be refilled while they arrive.
  EXPECT_GE(by_status[200], 20);
  EXPECT_LE(by_status[200], 25);
  EXPECT_EQ(by_status[200] + by_status[429], 50);
  const auto feed = live();
  EXPECT_EQ(feed["clients"][0]["limited"], by_status[429]);
  EXPECT_EQ(feed["per_client"]["requests_per_second"], 20);
  // Refused, not served: a flood held back does not draw as throughput.
  client::wait_until([&] { return server_->stats().in_flight == 0; }, 5);
  const auto stats = server_->stats();
  EXPECT_EQ(stats.served, static_cast<std::uint64_t>(by_status[200]));
  EXPECT_EQ(stats.refused, static_cast<std::uint64_t>(by_status[429]));
  EXPECT_EQ(stats.routes.at("/delay"), static_cast<std::uint64_t>(by_status[200]));
}

TEST_P(dashboard_test, an_address_past_its_requests_in_flight_gets_429) {
  start(room(0, 0, 0, 10));
  const auto results = client::get_all(std::vector(30, url("/delay?ms=300")));
  std::map<long, int> by_status;
  for (const auto& r : results) {
    ++by_status[r.status];
    if (r.status == 429) {
      EXPECT_NE(r.body.find("too many requests in flight from 127.0.0.1"),
                std::string::npos)
          << r.body;
    }
  }
  EXPECT_EQ(by_status[200], 10);
  EXPECT_EQ(by_status[429], 20);
  client::wait_until([&] { return server_->stats().in_flight == 0; }, 5);
  EXPECT_EQ(server_->stats().peak_in_flight, 10);
  EXPECT_EQ(live()["clients"][0]["in_flight"], 0);  // each end() gave its place back
  EXPECT_EQ(client::get(url("/get")).status, 200);
}

TEST_P(dashboard_test, an_address_past_its_connections_gets_503_then_its_share_back) {
  start(room(3, 0, 0));
  std::vector<std::unique_ptr<client::raw_connection>> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(std::make_unique<client::raw_connection>(server_->port()));
  client::wait_until([&] { return server_->stats().connections == 3; }, 5);
  const auto refused = client::get(url("/get"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("too many connections from 127.0.0.1"), std::string::npos)
      << refused.body;
  held.clear();
  // (Not live(): while three are held, it would be the fourth connection.)
  client::wait_until([&] { return server_->stats().connections == 0; }, 5);
  EXPECT_EQ(client::get(url("/get")).status, 200);
  const auto feed = live();
  EXPECT_EQ(feed["clients"][0]["limited"], 1);
}

TEST_P(dashboard_test, an_address_past_its_share_of_unread_bytes_gets_503) {
  start(room(0, 1'000'000, 0));
  const auto big = client::get(url("/bytes/1500000"));
  EXPECT_EQ(big.status, 503);
  EXPECT_NE(big.body.find("answers to 127.0.0.1 (this server allows"), std::string::npos)
      << big.body;
  const auto fits = client::get(url("/bytes/900000"));
  EXPECT_EQ(fits.status, 200);
  EXPECT_EQ(fits.body.size(), 900'000U);
  // What it held is given back once the kernel has it all (a moment after the
  // request counts as served): then it fits again.
  client::wait_until([&] { return live()["clients"][0]["bytes"] == 0; }, 5);
  EXPECT_EQ(client::get(url("/bytes/900000")).status, 200);
  EXPECT_EQ(live()["clients"][0]["limited"], 1);  // counted against the address
}

}  // namespace

namespace {

// Over HTTP/2 one connection carries any number of streams: the in-flight
// share is what holds a laptop back there (events engine, which speaks h2c).
TEST(dashboard_h2_test, streams_past_the_in_flight_share_get_429) {
  server s(server_options{.engine = engine_kind::events, .limits = room(2, 0, 0, 10)});
  inflight::mock::test::h2_client h2(s.port());
  std::vector<std::int32_t> streams;
  for (int i = 0; i < 30; ++i) streams.push_back(h2.submit("/delay?ms=300"));
  ASSERT_TRUE(h2.run(10));
  std::map<int, int> by_status;
  for (const auto id : streams) ++by_status[h2.response(id).status];
  EXPECT_EQ(by_status[200], 10);
  EXPECT_EQ(by_status[429], 20);
  client::wait_until([&] { return s.stats().in_flight == 0; }, 5);
  EXPECT_EQ(s.stats().peak_in_flight, 10);
}

}  // namespace
