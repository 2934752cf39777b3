// Checking a --json result against the --json schema (ARCHITECTURE.md).
#include "harness/test_support/result_schema.hpp"

#include <gtest/gtest.h>

namespace inflight::test_support {

void expect_result_schema(const nlohmann::json& result, const std::string& chapter) {
  ASSERT_TRUE(result.is_object()) << result;
  EXPECT_EQ(result.value("chapter", ""), chapter);
  EXPECT_TRUE(result["model"].is_string() && !result["model"].empty()) << result;
  for (const char* count : {"requests", "ok", "failed", "peak_rss_kb", "threads"}) {
    EXPECT_TRUE(result[count].is_number_unsigned() || result[count].is_number_integer())
        << count << " in " << result;
  }
  for (const char* seconds : {"wall_s", "cpu_s"}) {
    EXPECT_TRUE(result[seconds].is_number()) << seconds << " in " << result;
  }
  // Unknown with --urls (no delay) or a server without /stats: null, not absent.
  for (const char* maybe : {"delay_s", "expected_s", "server_peak_in_flight"}) {
    ASSERT_TRUE(result.contains(maybe)) << maybe << " in " << result;
    EXPECT_TRUE(result[maybe].is_number() || result[maybe].is_null())
        << maybe << " in " << result;
  }
  ASSERT_TRUE(result["errors"].is_array()) << result;
  for (const auto& error : result["errors"]) {
    EXPECT_TRUE(error["index"].is_number_integer()) << error;
    EXPECT_TRUE(error["error"].is_string() && !error["error"].empty()) << error;
  }
  const auto requests = result["requests"].get<long>();
  const auto ok = result["ok"].get<long>();
  const auto failed = result["failed"].get<long>();
  EXPECT_EQ(ok + failed, requests) << result;
  EXPECT_EQ(static_cast<long>(result["errors"].size()), failed) << result;
}

}  // namespace inflight::test_support
