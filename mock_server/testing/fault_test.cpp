// Connection faults, on each engine: clients that reset, half-close, idle,
// trickle, pipeline, or do not read; a server out of descriptors. Each test
// reads the server's own counts afterwards: nothing in flight, nothing lost.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "mock_server/http1/bad_input_corpus.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
namespace client = inflight::mock::test;
using client::get_request;

// A client socket the test controls byte by byte; closed (or reset) on scope exit.
struct socket_client {
  explicit socket_client(int port, int receive_buffer = 0) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0)  // before connect(), so the window starts small
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~socket_client() {
    if (fd >= 0) ::close(fd);
  }
  socket_client(const socket_client&) = delete;
  socket_client& operator=(const socket_client&) = delete;

  bool send(const std::string& bytes) const {
    return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  void close() {
    ::close(fd);
    fd = -1;
  }
  void reset() {  // SO_LINGER 0: close() sends RST, not FIN
    const linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
    fd = -1;
  }
  // Everything until the server closes, or the timeout.
  std::string read_all(std::chrono::milliseconds timeout, bool* closed = nullptr) const {
    std::string got;
    const auto end = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        if (closed != nullptr) *closed = true;
        break;
      }
      got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
  }
  int fd = -1;
  bool connected = false;
};

// Status codes of the final answers in `bytes`, in order (1xx interim answers skipped).
std::vector<int> statuses(const std::string& bytes) {
  std::vector<int> out;
  for (auto at = bytes.find("HTTP/1.1 "); at != std::string::npos;
       at = bytes.find("HTTP/1.1 ", at + 1)) {
    const int status = std::atoi(bytes.substr(at + 9, 3).c_str());
    if (status >= 200) out.push_back(status);
  }
  return out;
}

class fault_test : public ::testing::TestWithParam<engine_kind> {
 protected:
  std::unique_ptr<server> start(inflight::mock::server_limits limits = {}) {
    auto s =
        std::make_unique<server>(server_options{.engine = GetParam(), .limits = limits});
    fds_before_ = client::count_open_fds();
    return s;
  }
  void expect_settled(const server& s) const { client::expect_settled(s, fds_before_); }
  int fds_before_ = 0;
};

TEST_P(fault_test, clients_that_reset_during_hang_are_noticed_at_once) {
  auto s = start();
  std::vector<std::unique_ptr<socket_client>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<socket_client>(s->port()));
    ASSERT_TRUE(clients.back()->send(get_request("/hang")));
  }
  ASSERT_TRUE(client::wait_until([&] { return s->stats().in_flight == 20; }, 5));
  for (auto& c : clients) c->reset();
  EXPECT_TRUE(client::wait_until([&] { return s->stats().abandoned == 20; }, 2))
      << "abandoned: " << s->stats().abandoned;
  expect_settled(*s);
}

// With more pipelined behind its request than the server reads ahead (a
// head's worth), the server stops reading the socket; it must still see a reset.
TEST_P(fault_test, a_reset_is_noticed_behind_many_pipelined_requests) {
  auto s = start();
  for (const char* target : {"/hang", "/delay/5"}) {
    SCOPED_TRACE(target);
    const auto abandoned = s->stats().abandoned;
    socket_client c(s->port());
    std::string behind;
    for (int i = 0; i < 1000; ++i) behind += get_request("/get");  // ~40 KB
    ASSERT_TRUE(c.send(get_request(target) + behind));
    ASSERT_TRUE(client::wait_until([&] { return s->stats().in_flight == 1; }, 5));
    std::this_thread::sleep_for(200ms);  // the server has read what it will
    c.reset();
    EXPECT_TRUE(
        client::wait_until([&] { return s->stats().abandoned == abandoned + 1; }, 2))
        << "abandoned: " << s->stats().abandoned;
  }
  expect_settled(*s);
}

TEST_P(fault_test, a_client_that_resets_during_a_delay_is_noticed_before_it_ends) {
  auto s = start();
  socket_client c(s->port());
  ASSERT_TRUE(c.send(get_request("/delay/5")));
  ASSERT_TRUE(client::wait_until([&] { return s->stats().in_flight == 1; }, 5));
  c.reset();
  // Well before the 5 s delay ends, and as abandoned, not served.
  EXPECT_TRUE(client::wait_until([&] { return s->stats().abandoned == 1; }, 2));
  EXPECT_EQ(s->stats().in_flight, 0);
  expect_settled(*s);
}

TEST_P(fault_test, a_half_closed_client_still_gets_its_answers) {
  auto s = start();
  for (const char* target : {"/get", "/delay/0.3", "/drip?duration=0.2&numbytes=4"}) {
    SCOPED_TRACE(target);
    socket_client c(s->port());
    ASSERT_TRUE(c.send(get_request(target) + get_request("/status/201")));
    ::shutdown(c.fd, SHUT_WR);  // as `nc -N` does: no more requests, still reading
    bool closed = false;
    const auto got = c.read_all(5000ms, &closed);
    EXPECT_EQ(statuses(got), (std::vector<int>{200, 201})) << got;
    EXPECT_TRUE(closed) << "the server closes once it has answered";
  }
  EXPECT_EQ(s->stats().abandoned, 0U);
  expect_settled(*s);
}

TEST_P(fault_test, pipelined_requests_are_answered_in_order) {
  auto s = start();
  socket_client c(s->port());
  // Three in one write, the first slow; then a GET with a body, then another.
  ASSERT_TRUE(c.send(get_request("/delay/0.2") + get_request("/status/201") +
                     get_request("/status/202") +
                     get_request("/get", "Content-Length: 5\r\n") + "hello" +
                     get_request("/status/203", "Connection: close\r\n")));
  const auto got = c.read_all(5000ms);
  EXPECT_EQ(statuses(got), (std::vector<int>{200, 201, 202, 200, 203})) << got;
  EXPECT_EQ(s->stats().served, 5U);
  c.close();
  expect_settled(*s);
}

// A 204 or 304 has no body (RFC 9110 6.4.1): bytes after its head would be
// read as the start of the next answer on the connection.
TEST_P(fault_test, a_bodiless_status_sends_no_body_even_from_drip) {
  auto s = start();
  for (const char* target :
       {"/drip?code=204&numbytes=10&duration=0",
        "/drip?code=304&numbytes=10&duration=0.2", "/drip?code=204&numbytes=10"}) {
    SCOPED_TRACE(target);
    socket_client c(s->port());
    ASSERT_TRUE(c.send(get_request(target) +
                       get_request("/status/201", "Connection: close\r\n")));
    const auto got = c.read_all(5000ms);
    const auto end_of_first = got.find("\r\n\r\n");
    ASSERT_NE(end_of_first, std::string::npos) << got;
    EXPECT_EQ(got.substr(end_of_first + 4, 12), "HTTP/1.1 201") << got;
    EXPECT_EQ(statuses(got).size(), 2U) << got;
  }
  expect_settled(*s);
}

// A client that pipelines and never reads: the server stops taking its
// requests once a little output waits, instead of answering them all into
// memory.
TEST_P(fault_test, pipelined_requests_wait_while_their_client_does_not_read) {
  auto s = start();
  socket_client c(s->port(), 4096);  // reads nothing; a small window
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += get_request("/status/204");
  std::size_t sent = 0;  // as much as the kernel takes, for at most 2 s
  const auto end = std::chrono::steady_clock::now() + 2s;
  while (sent < many.size() && std::chrono::steady_clock::now() < end) {
    const auto n =
        ::send(c.fd, many.data() + sent, many.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0)
      sent += static_cast<std::size_t>(n);
    else
      std::this_thread::sleep_for(10ms);
  }
  // Until the server stops answering (at most 10 s).
  for (auto last = s->stats().served + 1; last != s->stats().served;) {
    last = s->stats().served;
    std::this_thread::sleep_for(300ms);
    if (std::chrono::steady_clock::now() > end + 10s) break;
  }
  // ~150 bytes an answer: 60,000 are 9 MB, more than the kernel's loopback
  // buffers hold, plus the 64 KiB the events engine lets wait.
  const auto requests = sent / get_request("/status/204").size();
  EXPECT_LT(s->stats().served, 60'000U) << "of " << requests << " sent";
  c.reset();
  expect_settled(*s);
}

// With Nagle's algorithm on, the client's delayed ACK would hold every answer
// after the first on a connection for tens of milliseconds. A request on a kept
// connection must not take longer than one on a fresh connection, which also connects, is
// accepted and closes: a ratio, so that a loaded machine (or tsan) slows both alike.
TEST_P(fault_test, keep_alive_requests_wait_for_nothing) {
  auto s = start();
  client::raw_connection kept(s->port());
  ASSERT_TRUE(kept.send(get_request("/get")));
  ASSERT_EQ(kept.read_reply(5).status, 200);  // the first on it is never held
  const auto ms_of = [](const auto& exchange) {
    const auto start = std::chrono::steady_clock::now();
    exchange();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                     start)
        .count();
  };
  std::vector<double> reused, fresh;
  for (int i = 0; i < 11; ++i) {  // interleaved, so both see the same load
    reused.push_back(ms_of([&] {
      ASSERT_TRUE(kept.send(get_request("/get")));
      ASSERT_EQ(kept.read_reply(5).status, 200);
    }));
    fresh.push_back(ms_of([&] {
      ASSERT_EQ(client::raw_exchange(s->port(), get_request("/get")).status, 200);
    }));
  }
  std::sort(reused.begin(), reused.end());
  std::sort(fresh.begin(), fresh.end());
  EXPECT_LT(reused[5], 2 * fresh[5])
      << "median ms: " << reused[5] << " kept alive, " << fresh[5] << " fresh";
}

TEST_P(fault_test, a_connection_may_wait_before_its_first_request) {
  auto s = start();
  client::raw_connection c(s->port());
  std::this_thread::sleep_for(2500ms);  // past a short keep-alive or accept timer
  ASSERT_TRUE(c.send(get_request("/get")));
  EXPECT_EQ(c.read_reply(5).status, 200);
}

TEST_P(fault_test, an_idle_connection_is_closed_after_the_idle_timeout) {
  auto s = start({.idle_timeout = 500ms});
  socket_client c(s->port());
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  EXPECT_EQ(c.read_all(5000ms, &closed), "");
  EXPECT_TRUE(closed);
  EXPECT_GT(std::chrono::steady_clock::now() - start, 300ms);
  c.close();
  expect_settled(*s);
}

TEST_P(fault_test, a_head_sent_a_byte_at_a_time_is_cut_at_the_request_timeout) {
  auto s = start({.request_timeout = 1000ms});
  socket_client c(s->port());
  const std::string head = get_request("/get");
  bool closed = false;
  std::string got;
  for (std::size_t i = 0; i < head.size() && !closed; ++i) {  // slowloris
    c.send(head.substr(i, 1));
    got += c.read_all(150ms, &closed);
  }
  EXPECT_EQ(statuses(got), std::vector<int>{408}) << got;
  EXPECT_NE(got.find("\"error\""), std::string::npos) << got;
  EXPECT_TRUE(closed);
  EXPECT_EQ(s->stats().refused, 1U);
  c.close();
  expect_settled(*s);
}

// One deadline for head and body, as limits.hpp says: a head that takes most
// of it does not buy the body a fresh one.
TEST_P(fault_test, head_and_body_share_one_request_timeout) {
  auto s = start({.request_timeout = 1000ms});
  socket_client c(s->port());
  const std::string head = get_request("/get", "Content-Length: 4\r\n");
  bool closed = false;
  std::string got;
  for (std::size_t i = 0; i < 4; ++i) {  // the head over ~0.8 s
    c.send(head.substr(i * head.size() / 4, head.size() / 4 + (i == 3 ? 4 : 0)));
    got += c.read_all(200ms, &closed);
  }
  for (int i = 0; i < 4 && !closed; ++i) {  // the body, a byte each 150 ms
    c.send("x");
    got += c.read_all(150ms, &closed);
  }
  got += c.read_all(1000ms, &closed);
  EXPECT_EQ(statuses(got), std::vector<int>{408}) << got;
  c.close();
  expect_settled(*s);
}

TEST_P(fault_test, past_the_connection_limit_a_client_gets_503_json) {
  auto s = start({.max_connections = 4});
  std::vector<std::unique_ptr<socket_client>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<socket_client>(s->port()));
  ASSERT_TRUE(client::wait_until([&] { return s->stats().connections == 4; }, 5));
  const auto refused = client::raw_exchange(s->port(), get_request("/get"));
  EXPECT_EQ(refused.status, 503) << refused.bytes;
  EXPECT_NE(refused.bytes.find("too many connections"), std::string::npos);
  EXPECT_EQ(s->stats().refused, 1U);
  held.clear();
  expect_settled(*s);
}

TEST_P(fault_test, answers_nobody_reads_are_capped_in_bytes) {
  auto s = start({.max_bytes_in_flight = 12 * 1024 * 1024});
  const auto ten_mib = get_request("/bytes/10485760");
  socket_client first(s->port(), 4096);  // reads nothing; a small window
  ASSERT_TRUE(first.send(ten_mib));
  ASSERT_TRUE(client::wait_until([&] { return s->stats().served == 1; }, 5));
  // 10 MiB are still queued for `first` (the kernel holds a few): the next
  // 10 MiB would pass the 12 MiB cap.
  const auto second = client::raw_exchange(s->port(), ten_mib);
  EXPECT_EQ(second.status, 503);
  EXPECT_NE(second.bytes.find("busy"), std::string::npos) << second.bytes.substr(0, 300);
  first.reset();  // its bytes leave with it, once the server has seen the reset
  ASSERT_TRUE(client::wait_until([&] { return s->stats().connections == 0; }, 5));
  bool closed = false;
  socket_client third(s->port());
  ASSERT_TRUE(third.send(get_request("/bytes/10485760", "Connection: close\r\n")));
  EXPECT_GT(third.read_all(10000ms, &closed).size(), 10485760U);
  EXPECT_EQ(s->stats().refused, 1U);
  third.close();
  expect_settled(*s);
}

TEST_P(fault_test, head_get_and_absolute_form_targets_are_served) {
  auto s = start();
  const auto head = client::raw_exchange(
      s->port(), "HEAD /get HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.status, 200) << head.bytes;
  EXPECT_NE(head.bytes.find("Content-Length: "), std::string::npos);
  EXPECT_EQ(head.body(), "") << "HEAD has no body";
  const auto absolute = client::raw_exchange(
      s->port(), "GET http://127.0.0.1/get?a=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(absolute.status, 200) << absolute.bytes;
  EXPECT_NE(absolute.bytes.find("\"a\":\"1\""), std::string::npos) << absolute.bytes;
  // Routes count by what they decode to.
  EXPECT_EQ(client::raw_exchange(s->port(), get_request("/%64elay/0")).status, 200);
  EXPECT_EQ(s->stats().routes["/delay"], 1U);
  EXPECT_EQ(s->stats().routes.count("(unknown)"), 0U);
}

INSTANTIATE_TEST_SUITE_P(engines, fault_test, client::both_engines(),
                         client::engine_name);

}  // namespace
