// The floor's two halves checked from outside: floor_server in its own
// process, the raw client against it, and the server's own /stats as witness.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/raw_client.hpp"
#include "benchmarks/support.hpp"
#include "harness/server_stats.hpp"
#include "harness/test_support/server_fixture.hpp"
#include "harness/transfer.hpp"

namespace inflight::bench {
namespace {

using harness::request_record;

class floor_server_test : public ::testing::Test {
 protected:
  harness::curl_library curl;  // /stats is read with libcurl
  server_process server{FLOOR_SERVER_EXE, {"--port", "0"}};

  std::vector<request_record> fetch(const std::vector<std::string>& urls,
                                    double timeout_s = 10) {
    return fetch_all_raw(urls, timeout_s, harness::run_clock{});
  }
  nlohmann::json stats() { return harness::read_server_stats(server.url()).value(); }

  // Sends `pieces` on one connection with a pause between them (so they
  // arrive as separate reads), then returns everything the server answered.
  std::string exchange(const std::vector<std::string>& pieces) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const timeval limit{5, 0};  // a server that never answers fails, not hangs
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(
        std::stoi(server.url().substr(server.url().rfind(':') + 1))));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    for (const auto& piece : pieces) {
      send(fd, piece.data(), piece.size(), MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
      answer.append(buffer, n);
    close(fd);
    return answer;
  }
};

std::size_t ok_count(const std::vector<request_record>& records) {
  std::size_t ok = 0;
  for (const auto& r : records) ok += r.ok() ? 1 : 0;
  return ok;
}

TEST_F(floor_server_test, twenty_delays_are_all_in_flight_at_once_and_all_ok) {
  ASSERT_TRUE(harness::reset_server_stats(server.url()));
  const auto records = fetch(std::vector<std::string>(20, server.url() + "/delay/0.2"));
  ASSERT_EQ(records.size(), 20U);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.index, i);
    EXPECT_EQ(r.status, 200);
    EXPECT_GT(r.bytes, 0U);                      // the JSON body, counted
    EXPECT_GE(r.end_s - r.start_s, 0.2 - 1e-3);  // the server kept it the full delay
  }
  const auto s = stats();
  EXPECT_EQ(s["peak_in_flight"], 20);  // the server's own count: all 20 at once
  EXPECT_EQ(s["served"], 20);
  EXPECT_EQ(s["queue_ms"]["samples"], 20);
  EXPECT_GE(s["queue_ms"]["p99"].get<double>(), 0);
}

TEST_F(floor_server_test, unknown_route_and_bad_delay_are_recorded_as_failed) {
  const auto records = fetch({server.url() + "/nowhere", server.url() + "/delay/abc",
                              server.url() + "/delay/0"});
  EXPECT_EQ(records[0].status, 404);
  EXPECT_EQ(records[0].error, "HTTP 404");
  EXPECT_EQ(records[1].status, 400);
  EXPECT_EQ(records[1].error, "HTTP 400");
  EXPECT_TRUE(records[2].ok()) << records[2].error;
  EXPECT_EQ(ok_count(records), 1U);
}

TEST_F(floor_server_test, a_request_split_across_reads_is_answered) {
  const auto answer = exchange({"GET /dela", "y/0 HTTP/1.1\r\nHost: x\r", "\n\r\n"});
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << answer;
}

TEST_F(floor_server_test, a_malformed_request_gets_a_400) {
  const auto answer = exchange({"hello\r\n\r\n"});
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0U) << answer;
}

TEST_F(floor_server_test, clients_that_give_up_leave_nothing_in_flight) {
  ASSERT_TRUE(harness::reset_server_stats(server.url()));
  const auto records =
      fetch(std::vector<std::string>(5, server.url() + "/delay/30"), /*timeout_s=*/0.3);
  for (const auto& r : records) EXPECT_EQ(r.error.rfind("timeout", 0), 0U) << r.error;
  EXPECT_EQ(stats()["peak_in_flight"], 5);
  // The server notices each client leave (a read of 0 bytes) at once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (stats()["in_flight"] != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(stats()["in_flight"], 0);
}

TEST_F(floor_server_test, a_closed_port_fails_every_request_and_loses_none) {
  const std::string closed = test_support::closed_port_url();
  const auto records = fetch({closed, server.url() + "/delay/0", closed});
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(ok_count(records), 1U);  // ok + failed == N: none lost, none twice
  for (const auto* r : {&records[0], &records[2]}) {
    EXPECT_FALSE(r->ok());
    EXPECT_EQ(r->status, 0);
    EXPECT_NE(r->error.find("Connection refused"), std::string::npos) << r->error;
  }
}

TEST(raw_client, refuses_urls_it_cannot_fetch_before_starting_any) {
  for (const std::string url :
       {"http://localhost:8080/delay/1", "https://127.0.0.1:8080/delay/1",
        "http://127.0.0.1/x", "http://127.0.0.1:99999/x", "http://[::1]:80/x"}) {
    try {
      (void)fetch_all_raw({url}, 1, harness::run_clock{});
      ADD_FAILURE() << "no exception for " << url;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("numeric IPv4"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace inflight::bench
