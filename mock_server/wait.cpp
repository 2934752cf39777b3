#include "mock_server/wait.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

namespace inflight::mock {

void stop_signal::raise() {
  {
    const std::scoped_lock lock(mutex_);
    raised_ = true;
  }
  woken_.notify_all();
}

bool stop_signal::raised() const {
  const std::scoped_lock lock(mutex_);
  return raised_;
}

bool stop_signal::wait_for(std::chrono::microseconds duration) {
  std::unique_lock lock(mutex_);
  return !woken_.wait_for(lock, duration, [this] { return raised_; });
}

namespace {

int port_of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return -1;
}

// cpp-httplib 0.11 does not hand a handler its socket, so we find it: the one
// descriptor whose local and peer ports are this connection's. One scan per
// /hang request; a real server would keep the descriptor instead.
int find_connection(int local_port, int remote_port) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  for (int fd = 0; fd < static_cast<int>(limit.rlim_cur); ++fd) {
    sockaddr_storage peer{};
    socklen_t size = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0) continue;
    if (port_of(peer) != remote_port) continue;
    sockaddr_storage local{};
    size = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) == 0 &&
        port_of(local) == local_port)
      return fd;
  }
  return -1;
}

bool client_left(int fd) {
  pollfd watch{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&watch, 1, 0) <= 0) return false;
  if ((watch.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  char byte = 0;  // readable: either more bytes (still there) or end of stream
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

}  // namespace

void wait_while_client_connected(int local_port, int remote_port, stop_signal& stop) {
  // Checked every 50 ms: fast enough for tests, cheap for a parked thread.
  constexpr auto check_every = std::chrono::milliseconds(50);
  const int fd = find_connection(local_port, remote_port);
  while (stop.wait_for(check_every)) {
    if (fd >= 0 && client_left(fd)) return;
  }
}

}  // namespace inflight::mock
