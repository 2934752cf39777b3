#include "mock_server/cli.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace inflight::mock {

bool is_loopback(std::string_view host) {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]" ||
         host == "localhost";
}

std::string usage() {
  return "usage: mock_server [--host 127.0.0.1] [--port 8080 | 0 for any]\n"
         "                   [--engine threads|events] [--threads N] [--max-delay S]\n"
         "                   [--max-concurrent-streams N] [--quiet] [--help]\n"
         "                   [--no-room-limits] [--client-connections N]\n"
         "                   [--client-in-flight N] [--client-rate N] [--client-bytes "
         "N]\n"
         "Serves /delay/{s}, /delay?ms=, /status/{code}, /bytes/{n}, /get, /drip,\n"
         "/unstable, /hang, /stats, POST /stats/reset and a live page, /dashboard;\n"
         "see mock_server/README.md.\n"
         "The events engine also speaks HTTP/2 over cleartext (prior knowledge) on\n"
         "the same port; --max-concurrent-streams (default 16384) caps its streams\n"
         "per connection.\n"
         "Serving a room (--host other than loopback, e.g. 0.0.0.0), each client\n"
         "address may hold 1024 connections, 1024 requests in flight and 8 MiB of\n"
         "unread answers, and send 2000 requests a second; --client-* change one\n"
         "limit (0: none), also on loopback; --no-room-limits lifts the four.\n";
}

namespace {

template <typename T>
bool parse_whole(std::string_view text, T& value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc() && ptr == end;
}

}  // namespace

std::variant<server_options, cli_help, cli_error> parse_command_line(int argc,
                                                                     char** argv) {
  server_options options;
  options.quiet = false;
  bool room_limits_wanted = true;
  std::optional<int> client_connections, client_rate, client_in_flight;
  std::optional<std::size_t> client_bytes;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return cli_help{};
    if (arg == "--quiet") {
      options.quiet = true;
      continue;
    }
    if (arg == "--no-room-limits") {
      room_limits_wanted = false;
      continue;
    }
    const bool takes_value = arg == "--host" || arg == "--port" || arg == "--engine" ||
                             arg == "--threads" || arg == "--max-delay" ||
                             arg == "--max-concurrent-streams" ||
                             arg == "--client-connections" || arg == "--client-rate" ||
                             arg == "--client-in-flight" || arg == "--client-bytes";
    if (!takes_value) return cli_error{"unknown argument '" + std::string(arg) + "'"};
    if (i + 1 >= argc) return cli_error{std::string(arg) + " needs a value"};
    const std::string_view value = argv[++i];
    const std::string shown = std::string(arg) + " '" + std::string(value) + "'";

    if (arg == "--host") {
      if (value.empty()) return cli_error{"--host needs an address, e.g. 127.0.0.1"};
      options.host = value;
    } else if (arg == "--port") {
      if (!parse_whole(value, options.port) || options.port < 0 || options.port > 65535)
        return cli_error{shown + ": expected a port from 0 (any free port) to 65535"};
    } else if (arg == "--engine") {
      if (value == "threads") {
        options.engine = engine_kind::threads;
      } else if (value == "events") {
        options.engine = engine_kind::events;
      } else {
        return cli_error{shown + ": expected 'threads' or 'events'"};
      }
    } else if (arg == "--threads") {
      if (!parse_whole(value, options.threads) || options.threads < 1 ||
          options.threads > 100000)
        return cli_error{shown + ": expected a whole number from 1 to 100000"};
    } else if (arg == "--client-connections" || arg == "--client-rate" ||
               arg == "--client-in-flight") {
      int n = 0;
      if (!parse_whole(value, n) || n < 0)
        return cli_error{shown + ": expected a whole number, 0 for no limit"};
      (arg == "--client-rate"        ? client_rate
       : arg == "--client-in-flight" ? client_in_flight
                                     : client_connections) = n;
    } else if (arg == "--client-bytes") {
      std::size_t n = 0;
      if (!parse_whole(value, n))
        return cli_error{shown + ": expected a number of bytes, 0 for no limit"};
      client_bytes = n;
    } else if (arg == "--max-concurrent-streams") {
      auto& most = options.limits.max_concurrent_streams;
      if (!parse_whole(value, most) || most < 1)
        return cli_error{shown + ": expected a whole number from 1 to 2147483647"};
    } else {  // --max-delay
      if (!parse_whole(value, options.max_delay_s) ||
          !std::isfinite(options.max_delay_s) || options.max_delay_s < 0 ||
          options.max_delay_s > 3600)
        return cli_error{shown + ": expected seconds from 0 to 3600"};
    }
  }
  // A network: someone else's laptop may connect, so one address gets a share.
  if (room_limits_wanted && !is_loopback(options.host))
    options.limits = room_limits(options.limits);
  auto& l = options.limits;
  if (client_connections) l.max_connections_per_client = *client_connections;
  if (client_rate) l.max_requests_per_second_per_client = *client_rate;
  if (client_in_flight) l.max_in_flight_per_client = *client_in_flight;
  if (client_bytes) l.max_bytes_per_client = *client_bytes;
  return options;
}

}  // namespace inflight::mock
