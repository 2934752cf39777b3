// The last minute of the server's counts, in 200 ms buckets: what /dashboard
// plots. Each bucket keeps the highest number of requests in flight at any
// moment inside it (not a sample), so the plot's peak is /stats's peak, and a
// request that lasts a few milliseconds still shows. Not thread-safe:
// request_stats holds it under its lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace inflight::mock {

class timeline {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds bucket{200};
  static constexpr std::size_t kept = 300;  // a minute of buckets

  struct point {
    std::uint64_t serial = 0;         // buckets since the server started
    std::int64_t peak_in_flight = 0;  // the most in flight at once inside it
    std::uint64_t started = 0;        // requests whose handler began inside it
    std::uint64_t completed = 0;      // answered or abandoned inside it
    double queue_max_ms = 0;          // the longest accept -> handler wait of those begun
    std::uint64_t refused = 0;        // refused by a limit inside it
  };

  explicit timeline(clock::time_point start) : start_(start) {}

  // A request began; `in_flight` counts it already.
  void started(clock::time_point now, std::int64_t in_flight,
               std::optional<double> queue_ms);
  // A request ended; `in_flight` no longer counts it.
  void ended(clock::time_point now, std::int64_t in_flight);
  // A request or connection was refused (stats: refused); `in_flight` as is.
  void refused(clock::time_point now, std::int64_t in_flight);

  // The buckets after `after` (a serial) up to now's, oldest first, at most a
  // minute of them. Now's bucket is still filling: a caller polling again asks
  // from the one before it. `in_flight`: the count now, for buckets in which
  // nothing began or ended.
  [[nodiscard]] std::vector<point> since(clock::time_point now, std::int64_t in_flight,
                                         std::optional<std::uint64_t> after) const;
  [[nodiscard]] std::uint64_t serial_at(clock::time_point t) const;

 private:
  // Now's bucket, after the buckets between the last event and now are added;
  // `in_flight` is what was in flight all through them.
  point& at(clock::time_point now, std::int64_t in_flight);

  clock::time_point start_;
  std::deque<point> points_;  // consecutive serials, the newest last
};

}  // namespace inflight::mock
