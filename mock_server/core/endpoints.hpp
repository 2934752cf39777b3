// The endpoints, one function each: what /delay, /status, /bytes, /drip,
// /unstable, /get, /stats and /stats/live answer, from parameters already
// split by the router (routes.cpp). Internal to core/; each throws
// bad_request for what the client got wrong.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "mock_server/core/params.hpp"
#include "mock_server/core/routes.hpp"

namespace inflight::mock {

// A JSON answer; bytes that are not UTF-8 come out as U+FFFD, never an exception.
reply json_reply(int status, const nlohmann::json& body);
std::string dump(const nlohmann::json& body);

// "Host" in any case.
bool is_host(const std::string& name);

reply delay(const std::string& path, const params& query, request_stats& stats,
            const server_options& options);
reply status(const std::string& code_text, const params& query);
// `budget`: the most bytes the body may take; a bigger one is refused unbuilt.
reply bytes(const std::string& n_text, const params& query, std::size_t budget,
            const server_options& options, bool head);
reply drip(const params& query, const server_options& options, std::size_t budget);
reply unstable(const params& query, request_stats& stats);
reply get(const request& req, const std::string& target, const params& query);
reply stats_reply(const request_stats& stats);
reply live(const params& query, const request_stats& stats);  // /stats/live

}  // namespace inflight::mock
