// The server program out of descriptors: a child process under a low
// `ulimit -n` (soft and hard, so it cannot raise it), more clients than it can
// accept. It must back off instead of spinning on accept(), say so once, and
// serve again once descriptors free up. (load_test.cpp: 10,000 at once.)
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mock_server/http1/bad_input_corpus.hpp"
#include "mock_server/testing/child_server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using inflight::mock::engine_kind;
using inflight::mock::test::child_server;
using json = nlohmann::json;
namespace client = inflight::mock::test;

json stats_of(const child_server& s) {
  auto stats = json::parse(client::get(s.url() + "/stats").body, nullptr, false);
  return stats.is_object() ? stats : json::object();  // no answer: no figures
}

class descriptor_test : public ::testing::TestWithParam<engine_kind> {};

TEST_P(descriptor_test, out_of_descriptors_it_backs_off_says_so_once_and_recovers) {
  const child_server s(GetParam(), /*descriptor_limit=*/64, /*quiet=*/false);
  // 100 clients parked on /hang: past its 64 descriptors, accept() fails.
  std::vector<std::unique_ptr<client::raw_connection>> parked;
  for (int i = 0; i < 100; ++i) {
    parked.push_back(std::make_unique<client::raw_connection>(s.port()));
    parked.back()->send(client::get_request("/hang"));
  }
  std::this_thread::sleep_for(500ms);
  const double cpu_before = s.cpu_seconds();
  std::this_thread::sleep_for(2s);
  // A loop retrying accept() at once takes the whole 2 s of a core.
  EXPECT_LT(s.cpu_seconds() - cpu_before, 0.5) << "spinning at the descriptor limit";
  const auto said = s.error_output();
  const auto first = said.find("cannot accept");
  EXPECT_NE(first, std::string::npos) << said;
  EXPECT_EQ(said.find("cannot accept", first + 1), std::string::npos) << said;

  parked.clear();  // they leave; the server takes the rest of the backlog, then us
  EXPECT_TRUE(client::wait_until(
      [&] { return client::get(s.url() + "/get", 2).status == 200; }, 10));
  EXPECT_TRUE(client::wait_until([&] { return stats_of(s)["in_flight"] == 0; }, 10))
      << stats_of(s);
}

// 64 clients of /bytes/10485760 that do not read: the answers in progress
// stay under the cap (64 MiB), the rest are refused.
TEST_P(descriptor_test, clients_that_do_not_read_hold_no_more_than_the_cap) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer keeps freed memory for a while: RSS says nothing";
#endif
  const child_server s(GetParam());
  std::vector<std::unique_ptr<client::raw_connection>> idle_readers;
  for (int i = 0; i < 64; ++i) {
    idle_readers.push_back(std::make_unique<client::raw_connection>(s.port()));
    idle_readers.back()->send(client::get_request("/bytes/10485760"));
  }
  EXPECT_TRUE(client::wait_until(
      [&] {
        const auto now = stats_of(s);
        return now.value("served", 0) + now.value("refused", 0) == 64;
      },
      20))
      << stats_of(s);
  EXPECT_LT(s.resident_mib(), 64 + 64) << "MiB resident with 64 clients not reading";
  EXPECT_GT(stats_of(s).value("refused", 0), 0) << stats_of(s);
}

// Past the threads the process may start (`ulimit -v 1G` and --threads
// 100000), std::thread throws: the threads engine must keep serving. A
// connection waits for a running worker (the pool starts its first one
// before the server listens).
TEST(threads_engine, out_of_threads_it_keeps_serving) {
  const child_server s(engine_kind::threads, {}, true, /*thread_limit=*/40,
                       /*threads=*/100'000);
  const std::vector<std::string> urls(300, s.url() + "/delay/0.5");
  const auto replies = client::get_all(urls, 30);
  std::map<std::string, int> outcomes;  // "200", "503", or curl's error
  for (const auto& r : replies)
    ++outcomes[r.status != 0 ? std::to_string(r.status) : r.error];
  for (const auto& [outcome, n] : outcomes)
    EXPECT_TRUE(outcome == "200" || outcome == "503") << n << " x " << outcome;
  EXPECT_EQ(client::get(s.url() + "/get").status, 200) << s.error_output();
}

INSTANTIATE_TEST_SUITE_P(engines, descriptor_test, client::both_engines(),
                         client::engine_name);

}  // namespace
