#include "mock_server/room/timeline.hpp"

#include <algorithm>

namespace inflight::mock {

std::uint64_t timeline::serial_at(clock::time_point t) const {
  return t <= start_ ? 0 : static_cast<std::uint64_t>((t - start_) / bucket);
}

timeline::point& timeline::at(clock::time_point now, std::int64_t in_flight) {
  const auto serial = serial_at(now);
  if (!points_.empty() && points_.back().serial >= serial) return points_.back();
  auto next = points_.empty() ? serial : points_.back().serial + 1;
  if (serial - next >= kept) {  // after a quiet minute, only that minute is kept
    points_.clear();
    next = serial - (kept - 1);
  }
  for (; next <= serial; ++next) {
    if (points_.size() == kept) points_.pop_front();
    points_.push_back({.serial = next, .peak_in_flight = in_flight});
  }
  return points_.back();
}

void timeline::started(clock::time_point now, std::int64_t in_flight,
                       std::optional<double> queue_ms) {
  auto& p = at(now, in_flight - 1);
  p.peak_in_flight = std::max(p.peak_in_flight, in_flight);
  ++p.started;
  if (queue_ms) p.queue_max_ms = std::max(p.queue_max_ms, *queue_ms);
}

void timeline::ended(clock::time_point now, std::int64_t in_flight) {
  ++at(now, in_flight + 1).completed;
}

void timeline::refused(clock::time_point now, std::int64_t in_flight) {
  ++at(now, in_flight).refused;
}

std::vector<timeline::point> timeline::since(clock::time_point now,
                                             std::int64_t in_flight,
                                             std::optional<std::uint64_t> after) const {
  const auto last = serial_at(now);
  const auto first_kept = last >= kept ? last - (kept - 1) : 0;
  if (after && *after >= last) return {};  // nothing newer (and no wrap at 2^64 - 1)
  auto from = after ? std::max(*after + 1, first_kept) : first_kept;
  std::vector<point> out;
  auto it =
      std::lower_bound(points_.begin(), points_.end(), from,
                       [](const point& p, std::uint64_t s) { return p.serial < s; });
  for (; from <= last; ++from) {
    if (it != points_.end() && it->serial == from) {
      out.push_back(*it++);
      continue;
    }
    // Nothing began or ended in it: what was in flight stayed in flight. A
    // bucket before the first event had none.
    const bool before_any = points_.empty() || from < points_.front().serial;
    out.push_back({.serial = from, .peak_in_flight = before_any ? 0 : in_flight});
  }
  return out;
}

}  // namespace inflight::mock
