// A GoogleTest fixture that runs the bundled server (events engine) on a free
// loopback port for each test, and builds the URLs the tests fetch.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "harness/text.hpp"
#include "harness/transfer.hpp"
#include "mock_server/server.hpp"

namespace inflight::test_support {

class with_server : public ::testing::Test {
 protected:
  harness::curl_library curl;  // before the server and any request thread
  mock::server server{};

  [[nodiscard]] std::string delay_url(double delay_s) const {
    return server.url() + "/delay/" + harness::format_number(delay_s);
  }
  [[nodiscard]] std::vector<std::string> delay_urls(std::size_t n, double delay_s) const {
    return std::vector<std::string>(n, delay_url(delay_s));
  }
  // The server's in-flight count once it has noticed every client that left
  // (it checks, so allow it up to 5 s): 0 when nothing was left behind.
  std::int64_t settled_in_flight() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server.stats().in_flight != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return server.stats().in_flight;
  }
};

// A port nobody listens on: a server's, just after it stopped. Connecting to
// it is refused at once.
inline std::string closed_port_url() {
  mock::server gone{};
  const std::string url = gone.url() + "/get";
  gone.stop();
  return url;
}

// A URL curl refuses to take at all: longer than the 8 MB it allows any string
// option, so curl_easy_setopt fails and the request's set-up fails before it
// runs. (A URL with a scheme curl lacks fails later, in the transfer.)
inline std::string url_curl_refuses() {
  return "http://127.0.0.1/" + std::string(8'000'000, 'a');
}

}  // namespace inflight::test_support
