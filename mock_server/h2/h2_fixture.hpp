// What both HTTP/2 suites share (h2_test.cpp, h2_hostile_test.cpp): frame
// types and error codes by name, and a fixture that starts an events server
// and checks, after a case, that the server is as it was.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mock_server/server.hpp"
#include "mock_server/testing/h2_test_client.hpp"
#include "mock_server/testing/suite.hpp"
#include "mock_server/testing/test_client.hpp"

namespace inflight::mock::test {

inline const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
inline constexpr std::uint8_t DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4,
                              PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8;
inline constexpr std::uint32_t FLOW_CONTROL_ERROR = 3, REFUSED_STREAM = 7, CANCEL = 8,
                               ENHANCE_YOUR_CALM = 11;

class h2_test : public ::testing::Test {
 protected:
  server& start(server_limits limits = {}) {
    server_ = std::make_unique<server>(
        server_options{.engine = engine_kind::events, .limits = limits});
    fds_before_ = count_open_fds();
    return *server_;
  }
  // Nothing in flight, no connection or descriptor left, still answering,
  // over HTTP/2 too.
  void expect_settled() const {
    auto& s = *server_;
    test::expect_settled(s, fds_before_);
    h2_client c(s.port());
    const auto id = c.submit("/status/201");
    EXPECT_TRUE(c.run(5));
    EXPECT_EQ(c.response(id).status, 201);
  }
  // The frame `stop` looks for, from what the server sent within `timeout_s`.
  static const h2_frame* find(h2_raw& raw,
                              const std::function<bool(const h2_frame&)>& stop,
                              double timeout_s = 5) {
    for (const auto& f : raw.read_until(stop, timeout_s))
      if (stop(f)) return &f;
    return nullptr;
  }
  static bool is_goaway(const h2_frame& f) { return f.type == GOAWAY; }

  std::unique_ptr<server> server_;
  int fds_before_ = 0;
};

}  // namespace inflight::mock::test
