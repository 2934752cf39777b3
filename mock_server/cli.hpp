// mock_server's command line, parsed into server_options or a clear error.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "mock_server/server.hpp"

namespace inflight::mock {

struct cli_help {};  // --help was asked for
struct cli_error {
  std::string message;  // one line naming the argument and what is accepted
};

std::variant<server_options, cli_help, cli_error> parse_command_line(int argc,
                                                                     char** argv);
std::string usage();
// 127.0.0.0/8, ::1 and localhost: only this machine can connect, so no room's
// limits by default.
bool is_loopback(std::string_view host);

}  // namespace inflight::mock
