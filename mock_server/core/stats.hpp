// The server's own account of what it is doing: the numbers behind /stats.
// Tests prove concurrency with them (peak in flight), so they are exact:
// every begin() is matched by exactly one end().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mock_server/room/clients.hpp"
#include "mock_server/room/timeline.hpp"
#include "mock_server/server.hpp"

namespace inflight::mock {

class request_stats {
 public:
  explicit request_stats(std::string engine, const server_limits& limits = {})
      : engine_(std::move(engine)), clients_(limits) {}

  // A request's handler started. `queue_ms`: accepted -> handler, when known;
  // `origin`: the client's address, whose requests in flight are counted too.
  void begin(const std::string& route, std::optional<double> queue_ms,
             const std::string& origin);
  // Its answer was sent (abandoned = false) or its client left (true).
  void end(bool abandoned, const std::string& origin);

  void note_waited_for_thread();
  void note_refused();
  // Called from the catch(...) at a C library's boundary: it must not throw.
  void note_internal_error() noexcept;
  void connection_opened();  // accepted, either engine, either protocol
  void connection_closed();
  // A counted request began on a connection (`h2`: as a stream). /stats
  // counts a connection at its first counted request since the start or the
  // last reset, not at accept, so that a client asking for /stats adds no
  // connection to the run it measures. `counted_in` is the connection's own
  // note of the reset it was last counted after (start it at never_counted):
  // a connection that outlives a reset is counted again by its next request.
  void count_connection(std::uint64_t& counted_in, bool h2);
  static constexpr std::uint64_t never_counted = UINT64_MAX;
  void stream_opened();  // an HTTP/2 stream carried a counted request
  void set_worker_threads(int count);

  // Per client address (client_table): false when a per-client limit refuses.
  bool client_connected(const std::string& address);
  void client_disconnected(const std::string& address);
  // A request for a counted route; not admitted: a 429, counted as refused.
  client_table::verdict admit(const std::string& address);
  // An answer of `bytes` was refused for want of room, `left` being what the
  // whole server had: when the address's share was what fell short, it is
  // counted against the address and the message names it (share_error);
  // otherwise the server's own message (busy_error).
  std::string busy_for(const std::string& address, std::size_t left,
                       const server_options& options);
  // The address shares one allowance with every address past the client
  // table's size (client_table::shared): what a refusal must say.
  [[nodiscard]] bool shares_allowance(const std::string& address) const;
  // The 503's message for a connection client_connected() refused
  // (too_many_from), saying so when the address shares that allowance.
  [[nodiscard]] std::string refused_connection(const std::string& address) const;
  // What take_client_bytes would accept now: SIZE_MAX without a limit.
  [[nodiscard]] std::size_t client_bytes_left(const std::string& address) const;
  bool take_client_bytes(const std::string& address, std::size_t bytes);
  void give_back_client_bytes(const std::string& address, std::size_t bytes);

  // What /stats/live answers (the dashboard's feed): the timeline's buckets
  // after `after`, the totals, the routes and the busiest clients. Cheap:
  // no percentile, nothing sorted but the clients.
  struct live_view {
    std::string engine;
    std::vector<timeline::point> points;
    std::uint64_t now = 0;  // the serial of now's bucket
    std::int64_t in_flight = 0;
    std::int64_t peak_in_flight = 0;
    std::uint64_t served = 0;
    std::uint64_t refused = 0;
    std::int64_t connections = 0;
    std::map<std::string, std::uint64_t> routes;
    std::vector<client_table::view> clients;
    std::size_t client_count = 0;
    server_limits limits;  // the per-client ones are shown
  };
  [[nodiscard]] live_view live(std::optional<std::uint64_t> after) const;

  // The k-th call for a given (key, seed) returns k, counting from 0 since the
  // start or the last reset: what makes /unstable and jitter reproducible.
  // Empty once `max_sequences` distinct pairs are in use: forgetting one would
  // silently change its outcomes, so the caller refuses the new seed instead.
  std::optional<std::uint64_t> next_in_sequence(const std::string& key,
                                                std::uint64_t seed);
  // About 100 bytes each: a client sending fresh seeds cannot grow us past ~6 MB.
  static constexpr std::size_t max_sequences = 65'536;

  [[nodiscard]] stats_snapshot snapshot() const;
  void reset();

 private:
  // One refusal: the count and its bucket on the timeline. With mutex_ held.
  void count_refused(timeline::clock::time_point now);

  // Enough samples for stable percentiles; past it new samples are dropped
  // (and `queue_samples` keeps counting) so memory stays bounded.
  static constexpr std::size_t max_queue_samples = 1 << 20;

  mutable std::mutex mutex_;
  std::string engine_;
  timeline timeline_{timeline::clock::now()};
  client_table clients_;
  std::uint64_t served_ = 0;
  std::uint64_t abandoned_ = 0;
  std::int64_t in_flight_ = 0;
  std::int64_t peak_in_flight_ = 0;
  std::map<std::string, std::uint64_t> routes_;
  std::vector<double> queue_ms_;
  std::uint64_t queue_count_ = 0;
  std::uint64_t waited_for_thread_ = 0;
  int worker_threads_ = 0;
  std::uint64_t refused_ = 0;
  std::atomic<std::uint64_t> internal_errors_{0};
  std::int64_t connections_ = 0;
  std::uint64_t connections_opened_ = 0;
  std::uint64_t resets_ = 0;  // reset() calls: what count_connection compares
  std::uint64_t h2_connections_opened_ = 0;
  std::uint64_t streams_ = 0;
  std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> sequences_;
};

}  // namespace inflight::mock
