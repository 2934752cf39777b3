// What both engines do with a socket alike: listen on the configured address,
// name a client by the address accept() gave, and say once that accepting
// stalls for want of descriptors. Internal to mock_server.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>

#include "mock_server/server.hpp"

namespace inflight::mock {

// A nonblocking, close-on-exec socket listening on options.host:options.port
// (0: any free port), with a backlog deep enough for a burst of 10,000
// connects. Throws std::runtime_error naming the address and the cause
// ("port 8080 is already in use") when it cannot.
int listen_on(const server_options& options);

// The port a listening socket is bound to.
int port_of(int fd);

// The address accept() gave, "127.0.0.1" or "::1"; "" for another family.
std::string peer_address(const sockaddr* address);

// Out of descriptors, accept() fails at once each time it is asked: a core
// spinning. Both engines stop asking for this long instead.
inline constexpr std::chrono::milliseconds accept_back_off{100};

// The line both engines print (once, unless quiet) when accept() fails for
// want of descriptors or memory; `error` is its errno.
void say_cannot_accept(int error);

}  // namespace inflight::mock
