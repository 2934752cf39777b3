// What both engines share: the options, the statistics, and how each is made
// and stopped (each has its own stop signal). Internal to mock_server.
#pragma once

#include <memory>

#include "mock_server/core/stats.hpp"
#include "mock_server/server.hpp"

namespace inflight::mock {

class server::engine {
 public:
  engine(server_options options, const std::string& name)
      : options_(std::move(options)), stats_(name, options_.limits) {}
  virtual ~engine() = default;
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  [[nodiscard]] virtual int port() const = 0;
  virtual void stop() = 0;

  request_stats& counters() { return stats_; }

 protected:
  server_options options_;
  request_stats stats_;
};

// Both throw std::runtime_error with the cause when they cannot listen.
std::unique_ptr<server::engine> make_threads_engine(const server_options& options);
std::unique_ptr<server::engine> make_events_engine(const server_options& options);

}  // namespace inflight::mock
