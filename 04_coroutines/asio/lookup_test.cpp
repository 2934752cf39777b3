// Name lookups in the twin: a name that does not exist is one failed record
// saying the lookup failed, and a slow lookup does not hold up the timeout.
// The slow one is made here: this file replaces getaddrinfo for the whole test
// process, so that looking up slow.invalid sleeps, then fails; every other
// name goes on to the real getaddrinfo.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netdb.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "04_coroutines/asio/fetch.hpp"
#include "harness/test_support/server_fixture.hpp"

namespace {
constexpr double slow_lookup_s = 1.5;  // far longer than the tests' timeout
}  // namespace

// Called on Asio's resolver thread (and by anything else in this process that
// looks a name up). RTLD_NEXT is the getaddrinfo we replaced: libc's, or a
// sanitizer's wrapper of it.
extern "C" int getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                           addrinfo** result) {
  if (node != nullptr && std::strcmp(node, "slow.invalid") == 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(slow_lookup_s));
    return EAI_NONAME;
  }
  using getaddrinfo_fn = int (*)(const char*, const char*, const addrinfo*, addrinfo**);
  static const auto real =
      reinterpret_cast<getaddrinfo_fn>(dlsym(RTLD_NEXT, "getaddrinfo"));
  return real(node, service, hints, result);
}

namespace inflight::ch04_asio {
namespace {

using lookups = test_support::with_server;

TEST_F(lookups, a_name_that_does_not_exist_is_a_failed_lookup) {
  const harness::run_clock clock;
  const auto records = fetch_all({"http://nosuch.invalid/", delay_url(0)}, {}, clock);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].error.rfind("resolve nosuch.invalid: ", 0), 0U)
      << records[0].error;
  EXPECT_EQ(records[0].connections, 0);
  EXPECT_TRUE(records[1].ok()) << records[1].error;
}

// Boost 1.81's async_resolve ignores cancellation (http_get.cpp, resolve()):
// the timeout ends the request all the same, and the one worker goes on to the
// next URL while the lookup is still running; the run itself ends with it.
TEST_F(lookups, a_slow_lookup_times_out_on_time_and_the_worker_goes_on) {
  const harness::run_clock clock;
  settings how;
  how.max_in_flight = 1;
  how.timeout_s = 0.2;
  const auto records = fetch_all({"http://slow.invalid/", delay_url(0)}, how, clock);
  const double took_s = clock.now_s();

  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].error, "timed out after 0.2 s");
  EXPECT_LT(records[0].end_s - records[0].start_s, slow_lookup_s / 2)
      << "the timeout waited for the lookup";
  EXPECT_TRUE(records[1].ok()) << records[1].error;
  EXPECT_LT(records[1].end_s, slow_lookup_s / 2) << "the worker waited for the lookup";
  EXPECT_GE(took_s, slow_lookup_s) << "io.run() returns once the lookup has";
}

}  // namespace
}  // namespace inflight::ch04_asio
