// Who is sending: what each client address holds and has asked for, for
// /dashboard, and the room's limits on one address (server_limits, the
// per-client fields; off unless mock_server serves a network, cli.cpp). Not
// thread-safe: request_stats holds it under its lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "mock_server/limits.hpp"

namespace inflight::mock {

class client_table {
 public:
  using clock = std::chrono::steady_clock;
  // Past this many addresses, new ones share one entry, "(others)", and its
  // limits: a table that grows with every spoofed source is a leak.
  static constexpr std::size_t max_addresses = 4'096;

  explicit client_table(const server_limits& limits) : limits_(limits) {}

  // A connection opened. False, and nothing counted, when the address
  // already holds its max_connections_per_client.
  bool connected(const std::string& address);
  void disconnected(const std::string& address);
  // A request arrived (counted, /stats and the page excepted). False when it
  // is past the address's max_requests_per_second_per_client, or when the
  // address has max_in_flight_per_client in flight already: counted as
  // limited, and answered 429.
  enum class verdict { admitted, over_rate, over_in_flight };
  verdict admit(const std::string& address, clock::time_point now);
  // A counted request of the address began, and ended (request_stats's
  // begin() and end(), exactly one each).
  void began(const std::string& address) { ++of(address).in_flight; }
  void ended(const std::string& address);
  // Bytes of answers the address has built and not yet read. False, nothing
  // taken, past max_bytes_per_client.
  bool take_bytes(const std::string& address, std::size_t bytes);
  [[nodiscard]] std::size_t bytes_left(const std::string& address) const;
  void give_back_bytes(const std::string& address, std::size_t bytes);
  void note_limited(const std::string& address);  // refused by a limit above
  // True when the address is one of those past max_addresses, which share
  // the entry "(others)" and so one allowance: a refusal must say so.
  [[nodiscard]] bool shared(const std::string& address) const {
    return clients_.size() >= max_addresses && !clients_.contains(address);
  }

  struct view {
    std::string address;
    std::int64_t connections = 0;   // open now
    std::int64_t in_flight = 0;     // requests in flight now
    std::uint64_t requests = 0;     // since the server started (/stats/reset keeps them)
    std::uint64_t last_second = 0;  // requests admitted in the last whole second
    std::uint64_t limited = 0;      // refused by a per-client limit
    std::size_t bytes = 0;          // answer bytes held now
    double idle_s = 0;              // since its last request or connection
  };
  // The busiest (most requests) first, at most `most` of them.
  [[nodiscard]] std::vector<view> snapshot(clock::time_point now, std::size_t most) const;
  [[nodiscard]] std::size_t size() const { return clients_.size(); }
  [[nodiscard]] const server_limits& limits() const { return limits_; }

 private:
  struct client {
    std::int64_t connections = 0;
    std::int64_t in_flight = 0;
    std::uint64_t requests = 0;
    std::uint64_t limited = 0;
    std::size_t bytes = 0;
    double tokens = -1;  // the rate's bucket; < 0: not filled yet
    clock::time_point refilled{};
    clock::time_point seen{};
    std::int64_t second = -1;  // the whole second `this_second` counts, since the epoch
    std::uint64_t this_second = 0;
    std::uint64_t previous_second = 0;
  };
  client& of(const std::string& address);

  const server_limits limits_;  // a copy: only the per-client fields are read
  std::unordered_map<std::string, client> clients_;
};

}  // namespace inflight::mock
