// Raising the descriptor limit, or saying why it cannot be.
#include "harness/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <string>

namespace inflight::harness {

std::size_t descriptors_needed(std::size_t in_flight, bool server_in_process) {
  constexpr std::size_t spare = 64;  // stdio, the poller, curl's own, a trace file
  return in_flight * (server_in_process ? 2 : 1) + spare;
}

std::size_t descriptors_for(const run_options& options, std::size_t in_flight_at_most) {
  const std::size_t n = options.urls.empty() ? options.requests : options.urls.size();
  const bool server_here = options.url.empty() && options.urls.empty();
  std::size_t in_flight = std::min(n, options.max_in_flight.value_or(n));
  if (in_flight_at_most > 0) in_flight = std::min(in_flight, in_flight_at_most);
  // --http2: every request is a stream of one connection, so one socket. A
  // run that falls back to a connection each may then run out: its transfers
  // fail with curl's "Couldn't connect", and the report says it fell back.
  // (--urls may name many hosts, a connection each: counted as before.)
  if (options.http2 && options.urls.empty())
    in_flight = std::min<std::size_t>(in_flight, 1);
  return descriptors_needed(in_flight, server_here);
}

std::size_t ensure_descriptors(std::size_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY
                          ? needed
                          : std::min<rlim_t>(limit.rlim_max, needed);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    throw descriptor_limit_error(
        "this run needs " + std::to_string(needed) +
        " file descriptors (one socket per request in flight), but the limit is " +
        std::to_string(limit.rlim_cur) + " and cannot be raised further (hard limit " +
        std::to_string(limit.rlim_max) + "). Raise it with `ulimit -Hn " +
        std::to_string(needed) + "` as root (or in /etc/security/limits.conf), or use " +
        "fewer requests in flight (--max-in-flight where the chapter has it, or fewer "
        "--requests)");
  }
  return limit.rlim_cur;
}

}  // namespace inflight::harness
