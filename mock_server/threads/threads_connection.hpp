// One client connection of the threads engine, served start to end by one
// thread in blocking style: read a head (bounded in bytes, and in time as a
// whole), route it, wait out the delay, write the answer; then the next
// request on the connection. Chapter 02's model, on the server side.
#pragma once

#include <functional>
#include <string>

#include "mock_server/core/stats.hpp"
#include "mock_server/limits.hpp"
#include "mock_server/server.hpp"
#include "mock_server/threads/answer_budget.hpp"
#include "mock_server/threads/wait.hpp"

namespace inflight::mock {

// What a connection needs from its engine, which outlives every connection.
struct connection_context {
  const server_options& options;
  const server_limits& limits;
  request_stats& stats;
  const stop_signal& stop;
  answer_budget& budget;
  std::function<bool()> others_waiting;  // connections queued for a thread
};

// Serves `fd` until the client, a limit or a stop ends the connection, then
// closes it. `queue_ms`: how long it waited for this thread. Never throws.
void serve_connection(int fd, const std::string& origin, double queue_ms,
                      connection_context& context);

// Answers a connection the engine will not serve (over a limit) with a JSON
// error, without waiting on it, and closes it.
void refuse_connection(int fd, int status, const std::string& message);

}  // namespace inflight::mock
