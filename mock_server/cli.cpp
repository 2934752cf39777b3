#include "mock_server/cli.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace inflight::mock {

std::string usage() {
  return "usage: mock_server [--host 127.0.0.1] [--port 8080 | 0 for any]\n"
         "                   [--engine threads|events] [--threads N] [--max-delay S]\n"
         "                   [--max-concurrent-streams N] [--quiet] [--help]\n"
         "Serves /delay/{s}, /delay?ms=, /status/{code}, /bytes/{n}, /get, /drip,\n"
         "/unstable, /hang, /stats and POST /stats/reset; see mock_server/README.md.\n"
         "The events engine also speaks HTTP/2 over cleartext (prior knowledge) on\n"
         "the same port; --max-concurrent-streams (default 16384) caps its streams\n"
         "per connection.\n";
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
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return cli_help{};
    if (arg == "--quiet") {
      options.quiet = true;
      continue;
    }
    const bool takes_value = arg == "--host" || arg == "--port" || arg == "--engine" ||
                             arg == "--threads" || arg == "--max-delay" ||
                             arg == "--max-concurrent-streams";
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
  return options;
}

}  // namespace inflight::mock
