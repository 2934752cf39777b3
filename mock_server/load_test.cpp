// 10,000 concurrent requests against an engine at its documented settings:
// every request is answered (200), or refused with a 503 JSON that /stats
// counts; none is lost. Issue 12, item 2: the threads engine lost 676-2,048 of
// them in 3 runs of 6 ("Empty reply from server"), counted nowhere. No timing
// asserts: the figures are the benchmarks' job.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mock_server/server.hpp"
#include "mock_server/test_client.hpp"

namespace {

using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
using json = nlohmann::json;
namespace client = inflight::mock::test;

constexpr int requests = 10'000;

// The server in a child process: 10,000 connections on each side would pass
// the 20,000 descriptors one process may hold (Debian's container default).
// Forked before this process starts any thread, so the child is a clean copy.
class server_process {
 public:
  explicit server_process(engine_kind engine) {
    int to_child[2];
    int from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(to_child[1]);
      ::close(from_child[0]);
      int status = 0;
      try {
        const server s(server_options{.engine = engine});
        const int port = s.port();
        if (::write(from_child[1], &port, sizeof port) != sizeof port) status = 1;
        char byte = 0;
        while (::read(to_child[0], &byte, 1) > 0) {  // until the parent closes it
        }
      } catch (...) {
        status = 1;
      }
      ::_exit(status);  // not exit(): the parent's atexit handlers are not ours
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    control_ = to_child[1];
    if (::read(from_child[0], &port_, sizeof port_) != sizeof port_) port_ = -1;
    ::close(from_child[0]);
  }
  ~server_process() {
    ::close(control_);  // the child stops its server and exits
    ::waitpid(pid_, nullptr, 0);
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int control_ = -1;
  int port_ = -1;
};

class load_test : public ::testing::TestWithParam<engine_kind> {};

TEST_P(load_test, ten_thousand_at_once_are_all_answered_or_counted_as_refused) {
  const server_process s(GetParam());
  ASSERT_GT(s.port(), 0) << "the server did not start";
  // A generous safety net, not a figure: at --threads 1024, the threads engine
  // serves 10,000 one-second delays in about ten waves.
  const auto results = client::get_all(std::vector(requests, s.url() + "/delay/1"), 120);
  std::map<long, int> by_status;
  std::map<std::string, int> errors;
  for (const auto& r : results) {
    ++by_status[r.status];
    if (r.status == 0) ++errors[r.error];
    if (r.status == 503) {
      EXPECT_TRUE(json::parse(r.body, nullptr, false).contains("error")) << r.body;
    }
  }
  std::string seen;
  for (const auto& [status, n] : by_status)
    seen += " " + std::to_string(status) + ": " + std::to_string(n);
  for (const auto& [error, n] : errors) seen += "; '" + error + "': " + std::to_string(n);
  std::printf("%d requests to /delay/1:%s\n", requests, seen.c_str());
  EXPECT_EQ(by_status[200] + by_status[503], requests) << seen;  // none lost

  const auto stats = json::parse(client::get(s.url() + "/stats").body, nullptr, false);
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["served"], by_status[200]) << stats;
  EXPECT_GE(stats["refused"].get<int>(), by_status[503]) << stats;
  EXPECT_EQ(stats["in_flight"], 0) << stats;
}

INSTANTIATE_TEST_SUITE_P(engines, load_test, ::testing::Values(engine_kind::threads),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
