#include "mock_server/core/stats.hpp"

#include <algorithm>

#include "mock_server/core/percentile.hpp"
#include "mock_server/core/routes.hpp"

namespace inflight::mock {

void request_stats::begin(const std::string& route, std::optional<double> queue_ms,
                          const std::string& origin) {
  const std::scoped_lock lock(mutex_);
  clients_.began(origin);
  ++in_flight_;
  peak_in_flight_ = std::max(peak_in_flight_, in_flight_);
  timeline_.started(timeline::clock::now(), in_flight_, queue_ms);
  ++routes_[route];
  if (queue_ms) {
    ++queue_count_;
    if (queue_ms_.size() < max_queue_samples) queue_ms_.push_back(*queue_ms);
  }
}

void request_stats::end(bool abandoned, const std::string& origin) {
  const std::scoped_lock lock(mutex_);
  clients_.ended(origin);
  --in_flight_;
  ++served_;
  timeline_.ended(timeline::clock::now(), in_flight_);
  if (abandoned) ++abandoned_;
}

void request_stats::note_waited_for_thread() {
  const std::scoped_lock lock(mutex_);
  ++waited_for_thread_;
}

void request_stats::set_worker_threads(int count) {
  const std::scoped_lock lock(mutex_);
  worker_threads_ = count;
}

void request_stats::count_refused(timeline::clock::time_point now) {
  ++refused_;
  timeline_.refused(now, in_flight_);
}

void request_stats::note_refused() {
  const std::scoped_lock lock(mutex_);
  count_refused(timeline::clock::now());
}

void request_stats::note_internal_error() noexcept {
  ++internal_errors_;  // atomic: no lock, so that it cannot throw
}

void request_stats::connection_opened() {
  const std::scoped_lock lock(mutex_);
  ++connections_;
}

void request_stats::connection_closed() {
  const std::scoped_lock lock(mutex_);
  --connections_;
}

void request_stats::count_connection(std::uint64_t& counted_in, bool h2) {
  const std::scoped_lock lock(mutex_);
  if (counted_in == resets_) return;  // counted since the last reset already
  counted_in = resets_;
  ++connections_opened_;
  if (h2) ++h2_connections_opened_;
}

void request_stats::stream_opened() {
  const std::scoped_lock lock(mutex_);
  ++streams_;
}

std::optional<std::uint64_t> request_stats::next_in_sequence(const std::string& key,
                                                             std::uint64_t seed) {
  const std::scoped_lock lock(mutex_);
  auto it = sequences_.find({key, seed});
  if (it == sequences_.end()) {
    if (sequences_.size() >= max_sequences) return std::nullopt;
    it = sequences_.emplace(std::pair{key, seed}, 0).first;
  }
  return it->second++;
}

bool request_stats::client_connected(const std::string& address) {
  const std::scoped_lock lock(mutex_);
  return clients_.connected(address);
}

void request_stats::client_disconnected(const std::string& address) {
  const std::scoped_lock lock(mutex_);
  clients_.disconnected(address);
}

client_table::verdict request_stats::admit(const std::string& address) {
  const std::scoped_lock lock(mutex_);
  const auto now = client_table::clock::now();
  const auto v = clients_.admit(address, now);
  if (v != client_table::verdict::admitted) count_refused(now);
  return v;
}

std::string request_stats::busy_for(const std::string& address, std::size_t left,
                                    const server_options& options) {
  const auto& l = options.limits;
  if (l.max_bytes_per_client > 0) {
    const std::scoped_lock lock(mutex_);
    if (clients_.bytes_left(address) < left) {
      const bool shared = clients_.shared(address);
      clients_.note_limited(address);
      return share_error(address, shared, l);
    }
  }
  return busy_error(options);
}

bool request_stats::shares_allowance(const std::string& address) const {
  const std::scoped_lock lock(mutex_);
  return clients_.shared(address);
}

std::string request_stats::refused_connection(const std::string& address) const {
  const std::scoped_lock lock(mutex_);
  return too_many_from(address, clients_.shared(address), clients_.limits());
}

std::size_t request_stats::client_bytes_left(const std::string& address) const {
  const std::scoped_lock lock(mutex_);
  return clients_.bytes_left(address);
}

bool request_stats::take_client_bytes(const std::string& address, std::size_t bytes) {
  const std::scoped_lock lock(mutex_);
  return clients_.take_bytes(address, bytes);
}

void request_stats::give_back_client_bytes(const std::string& address,
                                           std::size_t bytes) {
  const std::scoped_lock lock(mutex_);
  clients_.give_back_bytes(address, bytes);
}

request_stats::live_view request_stats::live(std::optional<std::uint64_t> after) const {
  constexpr std::size_t clients_shown = 50;  // a room; the rest are counted
  const auto now = timeline::clock::now();
  const std::scoped_lock lock(mutex_);
  live_view v;
  v.engine = engine_;
  v.points = timeline_.since(now, in_flight_, after);
  v.now = timeline_.serial_at(now);
  v.in_flight = in_flight_;
  v.peak_in_flight = peak_in_flight_;
  v.served = served_;
  v.refused = refused_;
  v.connections = connections_;
  v.routes = routes_;
  v.clients = clients_.snapshot(now, clients_shown);
  v.client_count = clients_.size();
  v.limits = clients_.limits();
  return v;
}

stats_snapshot request_stats::snapshot() const {
  std::vector<double> samples;
  stats_snapshot s;
  {
    const std::scoped_lock lock(mutex_);
    s.engine = engine_;
    s.served = served_;
    s.abandoned = abandoned_;
    s.in_flight = in_flight_;
    s.peak_in_flight = peak_in_flight_;
    s.routes = routes_;
    s.queue_samples = queue_count_;
    s.waited_for_thread = waited_for_thread_;
    s.worker_threads = worker_threads_;
    s.refused = refused_;
    s.internal_errors = internal_errors_.load();
    s.connections = connections_;
    s.connections_opened = connections_opened_;
    s.h2_connections_opened = h2_connections_opened_;
    s.streams = streams_;
    samples = queue_ms_;
  }
  // Sorting happens outside the lock so /stats never stalls the handlers.
  s.queue_p50_ms = percentile(samples, 50);
  s.queue_p99_ms = percentile(samples, 99);
  s.queue_max_ms =
      samples.empty() ? 0 : *std::max_element(samples.begin(), samples.end());
  return s;
}

void request_stats::reset() {
  const std::scoped_lock lock(mutex_);
  served_ = 0;
  abandoned_ = 0;
  // Requests still in flight stay counted: the peak restarts from them.
  peak_in_flight_ = in_flight_;
  routes_.clear();
  queue_ms_.clear();
  queue_count_ = 0;
  waited_for_thread_ = 0;
  refused_ = 0;
  internal_errors_ = 0;  // connections_ stays: it is a count of what is open now
  connections_opened_ = 0;
  h2_connections_opened_ = 0;
  streams_ = 0;
  ++resets_;  // every open connection is counted again at its next request
  sequences_.clear();
  // The timeline and the clients stay: a chapter resets the counts at the
  // start of every run, and in a room each attendee's run would wipe what
  // the dashboard shows of the others.
}

}  // namespace inflight::mock
