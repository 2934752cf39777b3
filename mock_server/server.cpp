#include "mock_server/server.hpp"

#include <sys/resource.h>

#include "mock_server/core/engine.hpp"

namespace inflight::mock {

std::string to_string(engine_kind kind) {
  return kind == engine_kind::threads ? "threads" : "events";
}

namespace {

// Every connection is a descriptor, and the usual soft limit (1024) is far
// below what 10,000 in flight need. The hard limit is ours to take, as the
// chapters do for their clients (harness/fd_limit.cpp).
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 1 << 20 : limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

server::server(server_options options) : options_(std::move(options)) {
  raise_descriptor_limit();
  engine_ = options_.engine == engine_kind::threads ? make_threads_engine(options_)
                                                    : make_events_engine(options_);
  options_.port = engine_->port();
  url_ = "http://" + options_.host + ":" + std::to_string(options_.port);
}

server::~server() {
  stop();
}

const std::string& server::url() const {
  return url_;
}
int server::port() const {
  return options_.port;
}
const server_options& server::options() const {
  return options_;
}

stats_snapshot server::stats() const {
  return engine_->counters().snapshot();
}
void server::reset_stats() {
  engine_->counters().reset();
}
void server::stop() {
  engine_->stop();
}

}  // namespace inflight::mock
