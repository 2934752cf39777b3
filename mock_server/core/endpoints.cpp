// What each endpoint answers (endpoints.hpp). Parameters are read and
// checked in params.cpp; anything wrong throws bad_request, which the router
// answers with a 4xx JSON that says what was wrong and what is accepted.
#include "mock_server/core/endpoints.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>

namespace inflight::mock {
namespace {

using json = nlohmann::json;

constexpr std::uint64_t max_body_bytes = 10 * 1024 * 1024;  // /bytes and /drip
constexpr int max_drip_chunks = 100;  // enough to look smooth, few enough timers

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31U);
}

// A uniform draw in [0, 1): the k-th draw for a seed is the same in every run;
// without a seed, a fresh random one.
double draw(const params& query, const std::string& key, request_stats& stats) {
  const auto it = query.find("seed");
  if (it == query.end()) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0, 1)(rng);
  }
  const auto seed = parse_count(it->second, "seed", UINT64_MAX);
  const auto k = stats.next_in_sequence(key, seed);
  if (!k)
    throw bad_request(503, "too many distinct seeds in use (" +
                               std::to_string(request_stats::max_sequences) +
                               "); POST /stats/reset to start over");
  return static_cast<double>(splitmix64(seed ^ splitmix64(*k)) >> 11U) * 0x1.0p-53;
}

// Checked before a body is built: refusing after would already have taken the
// memory, and glibc keeps big freed blocks resident.
void check_budget(std::uint64_t bytes, std::size_t budget,
                  const server_options& options) {
  if (bytes <= budget) return;
  bad_request busy(503, busy_error(options));
  busy.refused = true;
  throw busy;
}

}  // namespace

// nlohmann's dump() throws on bytes that are not UTF-8; the router checks what
// it echoes, and `replace` is the net under that check: U+FFFD, no exception.
std::string dump(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

reply json_reply(int status, const json& body) {
  reply r;
  r.status = status;
  if (has_body(status)) r.body = dump(body);
  return r;
}

bool is_host(const std::string& name) {
  return name.size() == 4 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 'o' &&
         (name[2] | 0x20) == 's' && (name[3] | 0x20) == 't';
}

reply delay(const std::string& path, const params& query, request_stats& stats,
            const server_options& options) {
  double ms = 0;
  if (path != "/delay") {  // "/delay/{seconds}"
    allow_only(query, {});
    ms = 1000 * parse_number(path.substr(7), "delay (seconds)");
  } else {  // "/delay?ms=N&jitter_ms=J&seed=S"
    allow_only(query, {"ms", "jitter_ms", "seed"});
    const auto it = query.find("ms");
    if (it == query.end())
      throw bad_request(400, "missing parameter 'ms' (milliseconds)");
    ms = parse_number(it->second, "ms");
    if (ms < 0) throw bad_request(400, "ms must not be negative, got " + it->second);
    if (const auto j = query.find("jitter_ms"); j != query.end()) {
      const double jitter = parse_number(j->second, "jitter_ms");
      if (jitter < 0)
        throw bad_request(400, "jitter_ms must not be negative, got " + j->second);
      ms += jitter * draw(query, "/delay", stats);
    }
  }
  auto r = json_reply(200, {{"url", path}, {"delay_ms", std::round(ms * 1000) / 1000}});
  r.delay = parse_delay(ms / 1000, "delay", options);
  return r;
}

reply status(const std::string& code_text, const params& query) {
  allow_only(query, {});
  const auto code = parse_count(code_text, "status code", 999);
  if (code < 200 || code > 599)
    throw bad_request(400, "status code must be from 200 to 599, got " + code_text +
                               " (1xx codes cannot be a final answer)");
  return json_reply(static_cast<int>(code), {{"status", code}});
}

reply bytes(const std::string& n_text, const params& query, std::size_t budget,
            const server_options& options, bool head) {
  allow_only(query, {"seed"});
  const auto n = parse_count(n_text, "byte count", max_body_bytes);
  reply r;
  r.content_type = "application/octet-stream";
  r.length = n;
  if (head) return r;  // its length is all a HEAD needs
  check_budget(n, budget, options);
  std::uint64_t state = 0;
  if (const auto it = query.find("seed"); it != query.end())
    state = parse_count(it->second, "seed", UINT64_MAX);
  else
    state = std::random_device{}();
  r.body.resize(n);
  for (std::uint64_t i = 0; i < n; i += 8) {
    state = splitmix64(state);
    for (std::uint64_t b = 0; b < 8 && i + b < n; ++b)
      r.body[i + b] = static_cast<char>(state >> (8 * b));
  }
  return r;
}

reply drip(const params& query, const server_options& options, std::size_t budget) {
  allow_only(query, {"duration", "numbytes", "delay", "code"});
  auto get = [&](const char* key, const char* fallback) {
    const auto it = query.find(key);
    return it == query.end() ? std::string(fallback) : it->second;
  };
  const double duration = parse_number(get("duration", "2"), "duration");
  const double wait = parse_number(get("delay", "0"), "delay");
  const auto n = parse_count(get("numbytes", "10"), "numbytes", max_body_bytes);
  const auto code = status(get("code", "200"), {}).status;
  parse_delay(duration, "duration", options);
  parse_delay(wait, "delay", options);
  reply r;
  r.status = code;
  r.content_type = "application/octet-stream";
  r.delay = parse_delay(wait, "delay", options);
  if (!has_body(code)) return r;  // 204, 304: answered after the delay, nothing to drip
  check_budget(n, budget, options);
  r.length = n;
  r.made_at_send = true;
  r.drip = parse_delay(duration + wait, "delay + duration", options) - r.delay;
  r.drip_chunks = static_cast<int>(std::clamp<std::uint64_t>(n, 1, max_drip_chunks));
  return r;
}

reply unstable(const params& query, request_stats& stats) {
  allow_only(query, {"failure_rate", "seed"});
  const auto it = query.find("failure_rate");
  const double rate = it == query.end() ? 0.5 : parse_number(it->second, "failure_rate");
  if (rate < 0 || rate > 1)
    throw bad_request(400, "failure_rate must be from 0 to 1, got " + it->second);
  const int code = draw(query, "/unstable", stats) < rate ? 500 : 200;
  return json_reply(code, {{"status", code}, {"failure_rate", rate}});
}

reply get(const request& req, const std::string& target, const params& query) {
  json headers = json::object();
  std::string host = "localhost";
  for (const auto& [name, value] : req.headers) {
    headers[name] = value;
    if (is_host(name)) host = value;
  }
  return json_reply(200, {{"args", query},
                          {"headers", headers},
                          {"origin", req.origin},
                          {"url", "http://" + host + target}});
}

// GET /stats: the server's counts. Not counted itself.
reply stats_reply(const request_stats& stats) {
  const auto s = stats.snapshot();
  auto r = json_reply(200, {{"engine", s.engine},
                            {"served", s.served},
                            {"abandoned", s.abandoned},
                            {"in_flight", s.in_flight},
                            {"peak_in_flight", s.peak_in_flight},
                            {"routes", s.routes},
                            {"queue_ms",
                             {{"p50", s.queue_p50_ms},
                              {"p99", s.queue_p99_ms},
                              {"max", s.queue_max_ms},
                              {"samples", s.queue_samples}}},
                            {"waited_for_thread", s.waited_for_thread},
                            {"worker_threads", s.worker_threads},
                            {"refused", s.refused},
                            {"internal_errors", s.internal_errors},
                            {"connections", s.connections},
                            {"connections_opened", s.connections_opened},
                            {"h2_connections_opened", s.h2_connections_opened},
                            {"streams", s.streams}});
  r.counted = false;
  return r;
}

// GET /stats/live?since=SERIAL: what /dashboard draws. Not counted.
reply live(const params& query, const request_stats& stats) {
  allow_only(query, {"since"});
  std::optional<std::uint64_t> after;
  if (const auto it = query.find("since"); it != query.end())
    after = parse_count(it->second, "since", UINT64_MAX);
  const auto v = stats.live(after);
  json points = json::array();
  for (const auto& p : v.points)
    points.push_back({p.serial, p.peak_in_flight, p.started, p.completed,
                      std::round(p.queue_max_ms * 10) / 10, p.refused});
  json clients = json::array();
  for (const auto& c : v.clients)
    clients.push_back({{"address", c.address},
                       {"connections", c.connections},
                       {"in_flight", c.in_flight},
                       {"requests", c.requests},
                       {"last_second", c.last_second},
                       {"limited", c.limited},
                       {"bytes", c.bytes},
                       {"idle_s", std::round(c.idle_s * 10) / 10}});
  const auto& l = v.limits;
  const bool room = l.max_connections_per_client > 0 || l.max_bytes_per_client > 0 ||
                    l.max_requests_per_second_per_client > 0 ||
                    l.max_in_flight_per_client > 0;
  auto r = json_reply(
      200, {{"engine", v.engine},
            {"bucket_ms", timeline::bucket.count()},
            {"now", v.now},
            {"points", std::move(points)},
            {"in_flight", v.in_flight},
            {"peak_in_flight", v.peak_in_flight},
            {"served", v.served},
            {"refused", v.refused},
            {"connections", v.connections},
            {"routes", v.routes},
            {"clients", std::move(clients)},
            {"client_count", v.client_count},
            {"per_client",
             room ? json{{"connections", l.max_connections_per_client},
                         {"in_flight", l.max_in_flight_per_client},
                         {"bytes", l.max_bytes_per_client},
                         {"requests_per_second", l.max_requests_per_second_per_client}}
                  : json(nullptr)}});
  r.counted = false;
  return r;
}

}  // namespace inflight::mock
