// The --json result object (ARCHITECTURE.md), checked key by key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace inflight::test_support {

// Adds a GoogleTest failure for every key that is missing or of the wrong
// type, and when ok + failed != requests or errors does not match failed.
void expect_result_schema(const nlohmann::json& result, const std::string& chapter);

}  // namespace inflight::test_support
