// Routing: which endpoint a request is for (dispatch()), what every request
// is checked for first, and the catch-all that turns any failure into a JSON
// answer. What each endpoint answers is in endpoints.cpp.
#include "mock_server/core/routes.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "mock_server/core/endpoints.hpp"
#include "mock_server/core/params.hpp"
#include "mock_server/room/dashboard_page.hpp"

namespace inflight::mock {
namespace {

using json = nlohmann::json;

// RFC 9112 3.2.2: "http://host:port/get?a=1" means "/get?a=1" on that host.
std::string origin_form(const std::string& target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      same = same && (target[i] | 0x20) == scheme[i];
    if (!same) continue;
    const auto path = target.find_first_of("/?", scheme.size());
    if (path == std::string::npos) return "/";
    return target[path] == '/' ? target.substr(path) : "/" + target.substr(path);
  }
  return target;
}

// What the engine's own parser may have let through: a Host header missing
// or repeated (RFC 9112 3.2), a header that is not UTF-8, which /get would
// echo.
void check_headers(const request& req) {
  int hosts = 0;
  for (const auto& [name, value] : req.headers) {
    if (is_host(name)) ++hosts;
    if (!is_utf8(name) || !is_utf8(value))
      throw bad_request(
          400, "header " + shown(name) + " is not valid UTF-8: '" + shown(value) + "'");
  }
  if (hosts > 1) throw bad_request(400, "more than one Host header");
  if (hosts == 0 && req.version == "HTTP/1.1")
    throw bad_request(400, "an HTTP/1.1 request needs a Host header");
  // The HTTP/2 engine passes :authority on as Host (RFC 9113 8.3.1).
  if (hosts == 0 && req.version == "HTTP/2")
    throw bad_request(400, "an HTTP/2 request needs :authority or a Host header");
}

reply dispatch(const request& req, const std::string& target, request_stats& stats,
               const server_options& options, std::size_t budget) {
  if (target.empty() || target[0] != '/')
    throw bad_request(
        400, "the request target must start with '/', got '" + shown(target) + "'");
  check_headers(req);
  const auto q = target.find('?');
  const std::string path = percent_decode(target.substr(0, q), "path", false);
  const params query = q == std::string::npos
                           ? params{}
                           : parse_query(std::string_view(target).substr(q + 1));

  if (path == "/stats/reset") {
    if (req.method != "POST") {
      bad_request e(405, "use POST /stats/reset");
      e.allow = "POST";
      throw e;
    }
    stats.reset();
    auto r = json_reply(200, {{"reset", true}});
    r.counted = false;
    return r;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    bad_request e(405, shown(req.method) + " is not allowed here; use GET");
    e.allow = "GET, HEAD";
    throw e;
  }
  if (path == "/stats") return stats_reply(stats);
  if (path == "/stats/live") return live(query, stats);
  if (path == "/dashboard") {
    allow_only(query, {});
    reply r;
    r.content_type = "text/html; charset=utf-8";
    r.body = dashboard_page();
    r.counted = false;
    return r;
  }
  // Everything from here on is counted, and, serving a room, held to the
  // address's request rate (limits.hpp).
  // A 429 is refused, not served: a flood held back must not draw as
  // throughput on the dashboard.
  if (const auto v = stats.admit(req.origin); v != client_table::verdict::admitted) {
    auto r = json_reply(
        429, {{"error", too_many_requests(req.origin, stats.shares_allowance(req.origin),
                                          v == client_table::verdict::over_rate,
                                          options.limits)}});
    r.counted = false;
    return r;
  }
  const auto starts = [&](std::string_view prefix) { return path.rfind(prefix, 0) == 0; };
  if (path == "/delay" || starts("/delay/")) return delay(path, query, stats, options);
  if (starts("/status/")) return status(path.substr(8), query);
  if (starts("/bytes/"))
    return bytes(path.substr(7), query, budget, options, req.method == "HEAD");
  if (path == "/get") return get(req, target, query);
  if (path == "/drip") return drip(query, options, budget);
  if (path == "/unstable") return unstable(query, stats);
  if (path == "/hang") {
    allow_only(query, {});
    reply r;
    r.hang = true;
    return r;
  }
  throw bad_request(404, "no route for " + path +
                             " (try /delay/{seconds}, /status/{code}, /get, /stats)");
}

// The key in /stats "routes": the route a decoded path belongs to.
std::string route_key(const std::string& target) {
  std::string path;
  try {
    path = percent_decode(target.substr(0, target.find('?')), "path", false);
  } catch (const bad_request&) {
    return "(unknown)";
  }
  for (const char* known : {"/delay", "/status", "/bytes", "/get", "/drip", "/unstable",
                            "/hang", "/stats", "/dashboard"}) {
    const std::string k = known;
    if (path == k || path.rfind(k + "/", 0) == 0) return k;
  }
  return "(unknown)";
}

// Whom a per-address limit refuses, and the allowance it had: the address's
// own; or, for an address past the client table's size, the one allowance
// all those addresses share (it may hold none of it itself).
std::string whom(const std::string& address, bool shared, const std::string& allows) {
  if (!shared) return shown(address) + " (this server allows " + allows + ")";
  return "the addresses past the first " + std::to_string(client_table::max_addresses) +
         " this server tells apart, which share one allowance (" + shown(address) +
         " is one of them; this server allows " + allows + ")";
}

}  // namespace

reply route(const request& req, request_stats& stats, const server_options& options,
            std::size_t body_budget) {
  reply r;
  const auto target = origin_form(req.target);
  // A HEAD's answer holds no body, so the budget cannot refuse it.
  if (req.method == "HEAD") body_budget = SIZE_MAX;
  try {
    r = dispatch(req, target, stats, options, body_budget);
  } catch (const bad_request& e) {
    r = json_reply(e.status, {{"error", e.what()}});
    r.allow = e.allow;
    r.refused = e.refused;
  } catch (...) {
    // A bug, not the client's fault: say so without disclosing what it was.
    stats.note_internal_error();
    r = json_reply(500, {{"error", "internal error (counted in /stats)"}});
  }
  try {
    if (r.route.empty()) r.route = route_key(target);
  } catch (...) {  // only std::bad_alloc is left
    r.route = "(unknown)";
  }
  // Incl. errors on /stats/reset, /stats/live and /dashboard.
  if (r.route == "/stats" || r.route == "/dashboard") r.counted = false;
  r.length = std::max(r.length, r.body.size());
  if (req.method == "HEAD") std::string().swap(r.body);
  return r;
}

std::string body_piece(const reply& plan, std::size_t from, std::size_t n) {
  n = std::min(n, plan.length - std::min(from, plan.length));
  if (plan.made_at_send) return std::string(n, '*');
  return plan.body.substr(std::min(from, plan.body.size()), n);
}

std::string server_timing(double queue_ms, const reply& plan) {
  const auto delay_ms = std::chrono::duration<double, std::milli>(plan.delay).count();
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "queue;dur=%.3f, delay;dur=%.3f", queue_ms,
                delay_ms);
  return buffer;
}

std::string busy_error(const server_options& options) {
  return "busy: answers in progress would pass this server's limit of " +
         std::to_string(options.limits.max_bytes_in_flight) +
         " bytes not yet sent; try again later";
}

std::string share_error(const std::string& address, bool shared,
                        const server_limits& limits) {
  return "busy: answers to " +
         whom(address, shared,
              std::to_string(limits.max_bytes_per_client) +
                  " bytes not yet sent to one address") +
         " would pass that; read what is sent, then try again";
}

std::string too_many_connections(int most) {
  return "too many connections (this server's limit is " + std::to_string(most) +
         "); try again later";
}

std::string late_request(const server_limits& limits) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g s",
                static_cast<double>(limits.request_timeout.count()) / 1000);
  return "the request did not arrive whole within " + std::string(seconds);
}

std::string too_many_from(const std::string& address, bool shared,
                          const server_limits& limits) {
  return "too many connections from " +
         whom(address, shared,
              std::to_string(limits.max_connections_per_client) + " from one address") +
         "; close some and try again";
}

std::string too_many_requests(const std::string& address, bool shared, bool over_rate,
                              const server_limits& limits) {
  if (over_rate)
    return "too many requests from " +
           whom(address, shared,
                std::to_string(limits.max_requests_per_second_per_client) +
                    " a second from one address") +
           "; wait a second and try again";
  return "too many requests in flight from " +
         whom(address, shared,
              std::to_string(limits.max_in_flight_per_client) +
                  " at once from one address") +
         "; wait for some to finish";
}

reply refusal(int status, const std::string& message) {
  reply plan;
  plan.status = status;
  plan.body = error_body(message);
  plan.length = plan.body.size();
  return plan;
}

std::string error_body(const std::string& message) {
  return dump(json{{"error", message}});
}

}  // namespace inflight::mock
