// The embedded delay server from the outside, on both engines: every endpoint,
// /stats, concurrency proved by the server's own peak-in-flight count, and
// clean start/stop. Bad input has its own file, bad_input_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mock_server/server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
using json = nlohmann::json;
namespace client = inflight::mock::test;

// A fresh server per test: tests read exact counts from /stats.
class server_test : public ::testing::TestWithParam<engine_kind> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<server>(server_options{.engine = GetParam()});
  }
  std::string url(const std::string& path) const { return server_->url() + path; }
  // GET `path` and expect a 200 with a JSON body.
  json get_json(const std::string& path) const {
    const auto r = client::get(url(path));
    EXPECT_EQ(r.status, 200) << path << ": " << r.error << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }
  // The stats once nothing is in flight: a client can read its answer a moment
  // before the server has counted it as sent.
  inflight::mock::stats_snapshot idle_stats() const {
    client::wait_until([&] { return server_->stats().in_flight == 0; }, 5);
    return server_->stats();
  }
  std::unique_ptr<server> server_;
};

INSTANTIATE_TEST_SUITE_P(engines, server_test, client::both_engines(),
                         client::engine_name);

TEST_P(server_test, url_names_the_loopback_port) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(server_->options().engine, GetParam());
}

TEST_P(server_test, delay_in_the_path_waits_that_long) {
  const auto r = client::get(url("/delay/0.2"));
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_GE(r.total_s, 0.2);
  EXPECT_LT(r.total_s, 5.0);
  EXPECT_NE(r.header("Content-Type").find("application/json"), std::string::npos);
  EXPECT_NE(r.header("Server-Timing").find("delay;dur=200"), std::string::npos)
      << r.header("Server-Timing");
  const auto body = json::parse(r.body);
  EXPECT_EQ(body["delay_ms"], 200);
  EXPECT_EQ(body["url"], "/delay/0.2");
}

// Never early, not by a millisecond: the chapters' tests assert a wall time of
// at least the delay. (On libevent's coarse clock a timer could end a tick
// early: the events engine asks for the precise one.)
TEST_P(server_test, no_answer_comes_before_its_delay) {
  // 100 clients at once, each timed from its request's last byte sent to its
  // answer's arrival, on a connection already open: nothing of the client's
  // own is counted in, and the server is busy while it arms its timers.
  constexpr int clients = 100;
  std::vector<double> took_ms(clients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      client::raw_connection c(server_->port());
      const auto sent = std::chrono::steady_clock::now();
      if (!c.send("GET /delay?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n")) return;
      if (c.read_reply(10).status != 200) return;
      took_ms[i] = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - sent)
                       .count();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < clients; ++i) EXPECT_GE(took_ms[i], 200.0) << "client " << i;
}

TEST_P(server_test, seeded_jitter_repeats_after_a_reset_and_on_a_fresh_server) {
  auto delays = [](const std::string& base) {
    std::vector<double> out;
    for (int i = 0; i < 3; ++i) {
      const auto r = client::get(base + "/delay?ms=20&jitter_ms=50&seed=7");
      EXPECT_EQ(r.status, 200) << r.error << r.body;
      out.push_back(json::parse(r.body).value("delay_ms", -1.0));
    }
    return out;
  };
  const auto first = delays(server_->url());
  for (double ms : first) EXPECT_TRUE(ms >= 20 && ms <= 70) << ms;
  EXPECT_FALSE(first[0] == first[1] && first[1] == first[2]) << "no jitter at all";
  ASSERT_EQ(client::post(url("/stats/reset")).status, 200);
  EXPECT_EQ(delays(server_->url()), first);
  const server fresh(server_options{.engine = GetParam()});
  EXPECT_EQ(delays(fresh.url()), first);
}

TEST_P(server_test, status_answers_the_code_asked_for) {
  for (int code : {200, 201, 299, 400, 404, 418, 500, 503, 599}) {
    const auto r = client::get(url("/status/" + std::to_string(code)));
    EXPECT_EQ(r.status, code) << r.error;
    EXPECT_EQ(json::parse(r.body, nullptr, false), json({{"status", code}})) << r.body;
  }
  for (int code : {204, 304}) {  // no body allowed
    const auto r = client::get(url("/status/" + std::to_string(code)));
    EXPECT_EQ(r.status, code) << r.error;
    EXPECT_EQ(r.body, "");
  }
}

TEST_P(server_test, bytes_are_the_same_for_the_same_seed) {
  const auto a = client::get(url("/bytes/1000?seed=5"));
  ASSERT_EQ(a.status, 200) << a.error;
  EXPECT_EQ(a.body.size(), 1000U);
  EXPECT_EQ(a.header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(client::get(url("/bytes/1000?seed=5")).body, a.body);
  EXPECT_NE(client::get(url("/bytes/1000?seed=6")).body, a.body);
  const auto empty = client::get(url("/bytes/0"));
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "");
  const auto most = client::get(url("/bytes/10485760"));  // the 10 MiB limit
  EXPECT_EQ(most.status, 200) << most.error;
  EXPECT_EQ(most.body.size(), 10485760U);
}

TEST_P(server_test, get_echoes_args_headers_and_origin) {
  const auto r = client::perform(
      {.url = url("/get?a=1&b=two"), .headers = {"X-Inflight-Test: yes"}});
  ASSERT_EQ(r.status, 200) << r.error;
  const auto body = json::parse(r.body);
  EXPECT_EQ(body["args"], json({{"a", "1"}, {"b", "two"}}));
  EXPECT_EQ(body["origin"], "127.0.0.1");
  EXPECT_EQ(body["url"],
            "http://127.0.0.1:" + std::to_string(server_->port()) + "/get?a=1&b=two");
  // Exactly what libcurl sent: no headers the engine made up along the way.
  std::set<std::string> names;
  for (const auto& [name, value] : body["headers"].items()) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(c));
    names.insert(lower);
    if (lower == "x-inflight-test") {
      EXPECT_EQ(value, "yes");
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"accept", "host", "x-inflight-test"}))
      << body["headers"];
}

TEST_P(server_test, drip_trickles_its_body_over_the_duration) {
  const auto r = client::get(url("/drip?duration=0.3&numbytes=10&delay=0"));
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, std::string(10, '*'));
  EXPECT_EQ(r.header("Content-Length"), "10");
  // Sent at once, all ten bytes would land within a millisecond or two.
  EXPECT_GE(r.last_body_byte_s - r.first_body_byte_s, 0.15);
  const auto late = client::get(url("/drip?duration=0.05&numbytes=3&delay=0.1&code=201"));
  EXPECT_EQ(late.status, 201) << late.error;
  EXPECT_EQ(late.body.size(), 3U);
  EXPECT_GE(late.first_body_byte_s, 0.09);
}

TEST_P(server_test, unstable_fails_at_the_rate_asked_for) {
  for (const auto& [rate, code] : {std::pair{"0", 200}, std::pair{"1", 500}}) {
    for (int i = 0; i < 5; ++i) {
      const auto r = client::get(url(std::string("/unstable?failure_rate=") + rate));
      EXPECT_EQ(r.status, code) << r.error;
      EXPECT_EQ(json::parse(r.body, nullptr, false)["status"], code) << r.body;
    }
  }
}

TEST_P(server_test, unstable_with_a_seed_repeats_after_a_reset_and_on_a_fresh_server) {
  auto outcomes = [](const std::string& base) {
    std::vector<long> out;
    for (int i = 0; i < 20; ++i)
      out.push_back(client::get(base + "/unstable?failure_rate=0.5&seed=42").status);
    return out;
  };
  const auto first = outcomes(server_->url());
  EXPECT_NE(std::count(first.begin(), first.end(), 200), 0);
  EXPECT_NE(std::count(first.begin(), first.end(), 500), 0);
  ASSERT_EQ(client::post(url("/stats/reset")).status, 200);
  EXPECT_EQ(outcomes(server_->url()), first);
  const server fresh(server_options{.engine = GetParam()});
  EXPECT_EQ(outcomes(fresh.url()), first);
}

TEST_P(server_test, hang_answers_nothing_until_the_client_leaves) {
  const auto r = client::get(url("/hang"), /*timeout_s=*/0.3);
  EXPECT_TRUE(r.timed_out) << r.status << " " << r.error;
  EXPECT_EQ(r.status, 0);
  const auto s = idle_stats();
  EXPECT_EQ(s.in_flight, 0);
  EXPECT_EQ(s.abandoned, 1U);
  EXPECT_EQ(s.routes.count("/hang") == 1 ? s.routes.at("/hang") : 0, 1U);
}

TEST_P(server_test, a_delay_whose_client_gave_up_counts_as_abandoned) {
  const auto r = client::get(url("/delay/0.3"), /*timeout_s=*/0.1);
  EXPECT_TRUE(r.timed_out) << r.status << " " << r.error;
  const auto s = idle_stats();
  EXPECT_EQ(s.in_flight, 0);
  EXPECT_EQ(s.served, 1U);
  // Both engines watch the socket while the request waits (a FIN, then a
  // 102 Processing that a closed socket answers with a reset).
  EXPECT_EQ(s.abandoned, 1U);
}

TEST_P(server_test, every_response_carries_server_timing) {
  for (const char* path :
       {"/delay/0", "/status/204", "/bytes/1", "/get", "/unstable",
        "/drip?duration=0&numbytes=1", "/nope", "/delay/x", "/stats"}) {
    const auto r = client::get(url(path));
    EXPECT_GT(r.status, 0) << path << ": " << r.error;
    EXPECT_NE(r.header("Server-Timing"), "") << path;
  }
  EXPECT_NE(client::post(url("/delay/0")).header("Server-Timing"), "");  // a 405
}

TEST_P(server_test, stats_count_by_route_and_not_themselves) {
  for (const char* path : {"/delay/0", "/delay?ms=0", "/delay/x", "/status/404",
                           "/bytes/1", "/get", "/nope"})
    EXPECT_GT(client::get(url(path)).status, 0) << path;
  for (int i = 0; i < 3; ++i) get_json("/stats");
  const auto s = idle_stats();
  const auto body = get_json("/stats");
  EXPECT_EQ(s.engine, to_string(GetParam()));
  EXPECT_EQ(s.served, 7U);
  EXPECT_EQ(s.in_flight, 0);
  EXPECT_GE(s.peak_in_flight, 1);
  EXPECT_EQ(s.abandoned, 0U);
  using routes = std::map<std::string, std::uint64_t>;
  EXPECT_EQ(
      s.routes,
      (routes{
          {"/delay", 3}, {"/status", 1}, {"/bytes", 1}, {"/get", 1}, {"(unknown)", 1}}));
  EXPECT_GE(s.queue_samples, 1U);
  EXPECT_LE(s.queue_p50_ms, s.queue_p99_ms);
  EXPECT_LE(s.queue_p99_ms, s.queue_max_ms);
  // /stats says what stats() says.
  EXPECT_EQ(body["engine"], s.engine);
  EXPECT_EQ(body["served"], s.served);
  EXPECT_EQ(body["in_flight"], 0);
  EXPECT_EQ(body["peak_in_flight"], s.peak_in_flight);
  EXPECT_EQ(body["routes"], json(s.routes));
  EXPECT_EQ(body["queue_ms"]["samples"], s.queue_samples);
  EXPECT_TRUE(body.contains("waited_for_thread") && body.contains("worker_threads"));

  ASSERT_EQ(client::post(url("/stats/reset")).status, 200);
  const auto after = server_->stats();
  EXPECT_EQ(after.served, 0U);
  EXPECT_EQ(after.peak_in_flight, 0);
  for (const auto& [route, count] : after.routes) EXPECT_EQ(count, 0U) << route;
}

TEST_P(server_test, fifty_concurrent_delays_are_all_in_flight_at_once) {
  // Each request asks for 10 s, so none can finish before the last one starts,
  // however slowly a loaded machine (or a sanitizer) starts fifty handlers; the
  // teardown's stop() cuts them.
  std::vector<std::unique_ptr<client::raw_connection>> connections;
  for (int i = 0; i < 50; ++i) {
    connections.push_back(std::make_unique<client::raw_connection>(server_->port()));
    connections.back()->send("GET /delay/10 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }
  EXPECT_TRUE(client::wait_until([&] { return server_->stats().in_flight == 50; }, 10))
      << "in flight: " << server_->stats().in_flight;
  EXPECT_EQ(server_->stats().peak_in_flight, 50);
}

TEST_P(server_test, fifty_concurrent_gets_end_together) {
  const auto start = std::chrono::steady_clock::now();
  const auto results = client::get_all(std::vector(50, url("/delay/0.2")));
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  for (const auto& r : results) EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(idle_stats().served, 50U);
  EXPECT_LT(wall.count(), 5.0);  // one after another: 10 s
}

TEST(threads_engine, past_its_pool_queues_connections_and_says_so) {
  server s(server_options{.engine = engine_kind::threads, .threads = 4});
  std::vector<client::http_response> results;
  const auto start = std::chrono::steady_clock::now();
  std::thread clients(
      [&] { results = client::get_all(std::vector(8, s.url() + "/delay/0.5")); });
  const bool full = client::wait_until(
      [&] { return s.stats().in_flight == 4 && s.stats().waited_for_thread > 0; }, 5);
  clients.join();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(full) << "never saw four in flight and the rest waiting";
  for (const auto& r : results) EXPECT_EQ(r.status, 200) << r.error;
  const auto stats = s.stats();
  EXPECT_EQ(stats.peak_in_flight, 4);  // never more than the pool
  EXPECT_EQ(stats.worker_threads, 4);
  EXPECT_GE(stats.queue_max_ms, 250);  // the second four waited for the first
  EXPECT_GE(wall.count(), 0.9);        // two waves of 0.5 s
}

TEST_P(server_test, starts_and_stops_in_a_loop_without_leaking) {
  {  // lazy globals
    const server warm_up(server_options{.engine = GetParam()});
  }
  const int threads = client::count_threads();
  const int fds = client::count_open_fds();
  for (int i = 0; i < 20; ++i) {
    server s(server_options{.engine = GetParam()});
    ASSERT_EQ(client::get(s.url() + "/delay/0").status, 200) << "round " << i;
    if (i % 2 == 0) s.stop();  // else the destructor stops it
  }
  // A joined thread can take a moment to leave /proc/self/task.
  client::wait_until([&] { return client::count_threads() == threads; }, 2);
  EXPECT_EQ(client::count_threads(), threads);
  EXPECT_EQ(client::count_open_fds(), fds);
}

TEST_P(server_test, stop_with_requests_in_flight_returns_promptly) {
  std::vector<client::http_response> results;
  std::thread clients([&] {
    results = client::get_all({url("/hang"), url("/delay/5")}, /*timeout_s=*/8);
  });
  const bool both =
      client::wait_until([&] { return server_->stats().in_flight == 2; }, 5);
  const auto start = std::chrono::steady_clock::now();
  server_->stop();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  clients.join();
  ASSERT_TRUE(both) << "the two requests never were in flight";
  EXPECT_LT(took.count(), 3.0);
  for (const auto& r : results) {  // cut (an error) or answered, never left hanging
    EXPECT_FALSE(r.timed_out) << r.error;
    EXPECT_TRUE(r.status > 0 || !r.error.empty());
    EXPECT_LT(r.total_s, 4.5);
  }
  server_->stop();  // idempotent
  EXPECT_THROW(client::raw_connection{server_->port()}, std::runtime_error)
      << "still listening after stop()";
}

TEST_P(server_test, a_taken_port_is_reported_as_in_use) {
  try {
    const server second(server_options{.port = server_->port(), .engine = GetParam()});
    FAIL() << "a second server started on port " << server_->port();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

}  // namespace
