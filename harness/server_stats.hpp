// Asking a delay server how many requests it had in flight at once, over its
// own HTTP API (GET /stats, POST /stats/reset), so the same code works for the
// in-process server and for a mock_server started by hand with --url.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace inflight::harness {

// POST {base_url}/stats/reset. False when the server has no such endpoint
// (not our server) or cannot be reached.
bool reset_server_stats(const std::string& base_url);

// peak_in_flight from GET {base_url}/stats; nullopt when there is no /stats
// or its answer is not the JSON we expect.
std::optional<std::int64_t> read_server_peak(const std::string& base_url);

// The whole GET {base_url}/stats object (served, in_flight, queue_ms, ...);
// nullopt when there is no /stats or its answer is not a JSON object.
std::optional<nlohmann::json> read_server_stats(const std::string& base_url);

// One count of such an object ("peak_in_flight", "connections_opened", ...);
// nullopt when it is missing or not a whole number (an older server).
std::optional<std::int64_t> stats_count(const nlohmann::json& stats, const char* name);

}  // namespace inflight::harness
