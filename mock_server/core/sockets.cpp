#include "mock_server/core/sockets.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace inflight::mock {
namespace {

// The kernel's queue of connections not yet accepted (capped by
// net.core.somaxconn). A burst of 10,000 connects must not overflow it: past
// it the kernel drops SYNs, and the client retries a second later.
constexpr int listen_backlog = 4096;

std::runtime_error cannot_listen(const server_options& options,
                                 const std::string& cause) {
  return std::runtime_error("cannot listen on " + options.host + ":" +
                            std::to_string(options.port) + ": " + cause);
}

}  // namespace

int listen_on(const server_options& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto port = std::to_string(options.port);
  if (const int e = ::getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found))
    throw cannot_listen(options, ::gai_strerror(e));
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found,
                                                                       ::freeaddrinfo);
  int error = 0;
  for (auto* a = found; a != nullptr; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    if (fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
        ::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, listen_backlog) == 0)
      return fd;
    error = errno;
    if (fd >= 0) ::close(fd);
  }
  throw cannot_listen(options, error == EADDRINUSE ? "port " + port + " is already in use"
                                                   : std::strerror(error));
}

int port_of(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.ss_family == AF_INET6
                   ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                   : reinterpret_cast<sockaddr_in&>(address).sin_port);
}

std::string peer_address(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address->sa_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
                sizeof text);
  else if (address->sa_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr,
                text, sizeof text);
  return text;
}

void say_cannot_accept(int error) {
  std::fprintf(stderr,
               "mock_server: cannot accept connections: %s (raise ulimit -n); new ones "
               "wait, retried every %lld ms. Said once.\n",
               std::strerror(error), static_cast<long long>(accept_back_off.count()));
}

}  // namespace inflight::mock
