#include "mock_server/threads/wait.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace inflight::mock {

stop_signal::stop_signal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

stop_signal::~stop_signal() {
  ::close(fd_);
}

void stop_signal::raise() {
  raised_ = true;
  // Nobody reads it back: the counter stays non-zero, so every poll() that
  // includes fd_, now or later, returns at once.
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
}

woken wait_on(int fd, short events, steady::time_point deadline,
              const stop_signal& stop) {
  for (;;) {
    if (stop.raised()) return woken::stopped;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now()).count();
    // Past the deadline, one look at what is already there: a request that
    // arrived while its connection waited for a thread is still served.
    const bool past = left <= 0 && deadline != steady::time_point::max();
    pollfd watch[2] = {{fd, events, 0}, {stop.fd(), POLLIN, 0}};
    const int timeout = deadline == steady::time_point::max()
                            ? -1
                            : static_cast<int>(std::clamp<long long>(left, 0, 60'000));
    const int n = ::poll(watch, 2, timeout);
    if (n == 0 && past) return woken::timed_out;
    if (n < 0 && errno != EINTR) return woken::client_gone;
    if (n <= 0) continue;  // a timeout or a signal: the loop re-checks the clock
    if (watch[1].revents != 0) return woken::stopped;
    if ((watch[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
      return woken::client_gone;
    if ((watch[0].revents & events) != 0) return woken::ready;
  }
}

woken send_whole(int fd, std::string_view head, std::string_view body,
                 std::chrono::milliseconds idle, const stop_signal& stop) {
  auto deadline = steady::now() + idle;
  while (!head.empty() || !body.empty()) {
    iovec parts[2] = {{const_cast<char*>(head.data()), head.size()},
                      {const_cast<char*>(body.data()), body.size()}};
    msghdr message{};
    message.msg_iov = head.empty() ? parts + 1 : parts;
    message.msg_iovlen = head.empty() ? 1 : 2;
    const auto n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (n > 0) {
      const auto from_head = std::min(head.size(), static_cast<std::size_t>(n));
      head.remove_prefix(from_head);
      body.remove_prefix(static_cast<std::size_t>(n) - from_head);
      deadline = steady::now() + idle;
    } else if (n < 0 && errno == EAGAIN) {
      if (const auto w = wait_on(fd, POLLOUT, deadline, stop); w != woken::ready)
        return w == woken::timed_out ? woken::client_gone : w;
    } else if (n < 0 && errno != EINTR) {
      return woken::client_gone;
    }
  }
  return woken::ready;
}

void linger_and_close(int fd, const stop_signal& stop) {
  ::shutdown(fd, SHUT_WR);
  const auto until = steady::now() + std::chrono::milliseconds(500);
  for (int reads = 0; reads < 64 && wait_on(fd, POLLIN, until, stop) == woken::ready;
       ++reads) {
    char buffer[16384];
    if (::recv(fd, buffer, sizeof buffer, 0) == 0) break;
  }
  ::close(fd);
}

}  // namespace inflight::mock
