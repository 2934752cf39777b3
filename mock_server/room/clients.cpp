#include "mock_server/room/clients.hpp"

#include <algorithm>
#include <cstdint>

namespace inflight::mock {

client_table::client& client_table::of(const std::string& address) {
  if (const auto it = clients_.find(address); it != clients_.end()) return it->second;
  if (clients_.size() >= max_addresses) return clients_["(others)"];
  return clients_[address];
}

bool client_table::connected(const std::string& address) {
  auto& c = of(address);
  const auto most = limits_.max_connections_per_client;
  if (most > 0 && c.connections >= most) return ++c.limited, false;
  ++c.connections;
  c.seen = clock::now();
  return true;
}

void client_table::disconnected(const std::string& address) {
  auto& c = of(address);
  c.connections = std::max<std::int64_t>(0, c.connections - 1);
}

client_table::verdict client_table::admit(const std::string& address,
                                          clock::time_point now) {
  auto& c = of(address);
  c.seen = now;
  const auto second =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != c.second) {
    c.previous_second = second == c.second + 1 ? c.this_second : 0;
    c.this_second = 0;
    c.second = second;
  }
  // Over HTTP/2 one connection carries any number of streams: without this,
  // the connection limit would bound nothing there.
  const auto most = limits_.max_in_flight_per_client;
  if (most > 0 && c.in_flight >= most) return ++c.limited, verdict::over_in_flight;
  const int rate = limits_.max_requests_per_second_per_client;
  if (rate > 0) {
    // A bucket of one second's requests, refilled at the rate: a burst of a
    // whole second's worth at once is allowed (a chapter's N at a time).
    const double elapsed = std::chrono::duration<double>(now - c.refilled).count();
    c.tokens = c.tokens < 0 ? rate : std::min<double>(rate, c.tokens + elapsed * rate);
    c.refilled = now;
    if (c.tokens < 1) return ++c.limited, verdict::over_rate;
    c.tokens -= 1;
  }
  ++c.requests;
  ++c.this_second;  // admitted only, as `requests`: the refused are `limited`
  return verdict::admitted;
}

void client_table::ended(const std::string& address) {
  auto& c = of(address);
  c.in_flight = std::max<std::int64_t>(0, c.in_flight - 1);
}

bool client_table::take_bytes(const std::string& address, std::size_t bytes) {
  auto& c = of(address);
  const auto most = limits_.max_bytes_per_client;
  if (most > 0 && bytes > most - std::min(c.bytes, most)) return false;
  c.bytes += bytes;
  return true;
}

std::size_t client_table::bytes_left(const std::string& address) const {
  const auto most = limits_.max_bytes_per_client;
  if (most == 0) return SIZE_MAX;
  auto it = clients_.find(address);
  if (it == clients_.end() && clients_.size() >= max_addresses)
    it = clients_.find("(others)");
  const std::size_t held = it == clients_.end() ? 0 : it->second.bytes;
  return most - std::min(held, most);
}

void client_table::give_back_bytes(const std::string& address, std::size_t bytes) {
  auto& c = of(address);
  c.bytes -= std::min(bytes, c.bytes);
}

void client_table::note_limited(const std::string& address) {
  ++of(address).limited;
}

std::vector<client_table::view> client_table::snapshot(clock::time_point now,
                                                       std::size_t most) const {
  const auto this_second =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // The busiest `most` first, chosen before anything is copied: copying and
  // sorting 4,096 addresses under the stats lock would stall every request
  // for each poll of the page.
  using entry = const std::pair<const std::string, client>*;
  std::vector<entry> busiest;
  busiest.reserve(clients_.size());
  for (const auto& e : clients_) busiest.push_back(&e);
  const auto by_requests = [](entry a, entry b) {
    return a->second.requests > b->second.requests;
  };
  if (busiest.size() > most) {
    std::nth_element(busiest.begin(), busiest.begin() + static_cast<std::ptrdiff_t>(most),
                     busiest.end(), by_requests);
    busiest.resize(most);
  }
  std::sort(busiest.begin(), busiest.end(), by_requests);
  std::vector<view> out;
  out.reserve(busiest.size());
  for (const auto* e : busiest) {
    const auto& [address, c] = *e;
    // The last whole second is `this_second - 1`: which of the two counts
    // holds it depends on when the client last asked.
    const std::uint64_t last = c.second == this_second       ? c.previous_second
                               : c.second == this_second - 1 ? c.this_second
                                                             : 0;
    out.push_back({address, c.connections, c.in_flight, c.requests, last, c.limited,
                   c.bytes, std::chrono::duration<double>(now - c.seen).count()});
  }
  return out;
}

}  // namespace inflight::mock
