// What an accepted connection leaves behind when its first allocations fail
// (std::bad_alloc, made to happen here), or its refusal's: nothing. The client's
// connection is answered or closed, the server counts an internal error, and its open
// connections and descriptors go back to what they were. Its own executable:
// it replaces operator new for the whole process.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <tuple>

#include "mock_server/http1/bad_input_corpus.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

// Allocations left before one fails, counted on the server's threads only
// (not the test's); 0: none fails.
std::atomic<int> failing_in{0};
std::thread::id test_thread;

bool fail_this_one() {
  if (std::this_thread::get_id() == test_thread) return false;
  int left = failing_in.load();
  while (left > 0 && !failing_in.compare_exchange_weak(left, left - 1)) {
  }
  return left == 1;
}

}  // namespace

void* operator new(std::size_t size) {
  if (fail_this_one()) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// Not inlined: GCC would otherwise see free() meet a pointer from operator new
// in the callers (-Wmismatched-new-delete); here both ends are malloc and free.
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
namespace client = inflight::mock::test;

// The engine, and which allocation on its threads fails after the accept.
class accept_failure_test
    : public ::testing::TestWithParam<std::tuple<engine_kind, int>> {
 protected:
  void SetUp() override { test_thread = std::this_thread::get_id(); }
  void TearDown() override { failing_in = 0; }
};

TEST_P(accept_failure_test, leaves_nothing_behind) {
  const auto [engine, nth] = GetParam();
  // One worker: the threads engine's pool is then always full, so its starter
  // thread never allocates, and the failing allocation is the one under test.
  server s(server_options{.engine = engine, .threads = 1});
  // A first connection makes what stays: its address's entry, a worker thread.
  ASSERT_EQ(client::raw_exchange(s.port(), client::get_request("/get")).status, 200);
  ASSERT_TRUE(client::wait_until([&] { return s.stats().connections == 0; }, 5));
  const int fds_before = client::count_open_fds();
  const auto errors_before = s.stats().internal_errors;

  failing_in = nth;
  {
    client::raw_connection c(s.port());
    c.send(client::get_request("/get"));
    const auto reply = c.read_reply(5);
    EXPECT_FALSE(reply.timed_out) << "neither answered nor closed: " << reply.bytes;
  }
  EXPECT_EQ(failing_in.load(), 0)
      << "the server made fewer than " << nth << " allocations";
  failing_in = 0;

  client::expect_settled(s, fds_before);
  EXPECT_EQ(s.stats().internal_errors, errors_before + 1);
}

INSTANTIATE_TEST_SUITE_P(engines, accept_failure_test,
                         ::testing::Combine(client::both_engines(),
                                            ::testing::Range(1, 4)),
                         [](const auto& info) {
                           return to_string(std::get<0>(info.param)) + "_allocation_" +
                                  std::to_string(std::get<1>(info.param));
                         });

// A connection refused over its address's share (one here), whose refusal
// cannot be built: the accepting thread's own failure path, which the case
// above does not reach on the threads engine (its acceptor allocates nothing
// for a connection it queues).
class refusal_failure_test : public ::testing::TestWithParam<engine_kind> {
 protected:
  void SetUp() override { test_thread = std::this_thread::get_id(); }
  void TearDown() override { failing_in = 0; }
};

TEST_P(refusal_failure_test, leaves_nothing_behind) {
  server_options options{.engine = GetParam(), .threads = 1};  // as above
  options.limits.max_connections_per_client = 1;
  server s(options);
  const int fds_before = client::count_open_fds();
  auto held = std::make_unique<client::raw_connection>(s.port());  // the one
  ASSERT_TRUE(client::wait_until([&] { return s.stats().connections == 1; }, 5));
  const auto errors_before = s.stats().internal_errors;

  failing_in = 1;
  {
    client::raw_connection c(s.port());
    c.send(client::get_request("/get"));
    const auto reply = c.read_reply(5);
    EXPECT_FALSE(reply.timed_out) << "neither refused nor closed: " << reply.bytes;
  }
  EXPECT_EQ(failing_in.load(), 0) << "the server made no allocation";
  failing_in = 0;

  EXPECT_EQ(s.stats().internal_errors, errors_before + 1);
  held.reset();
  client::expect_settled(s, fds_before);
}

INSTANTIATE_TEST_SUITE_P(engines, refusal_failure_test, client::both_engines(),
                         client::engine_name);

}  // namespace
