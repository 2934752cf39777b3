#include "mock_server/wait.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
    if (left <= 0 && deadline != steady::time_point::max()) return woken::timed_out;
    pollfd watch[2] = {{fd, events, 0}, {stop.fd(), POLLIN, 0}};
    const int timeout = deadline == steady::time_point::max()
                            ? -1
                            : static_cast<int>(std::min<long long>(left, 60'000));
    const int n = ::poll(watch, 2, timeout);
    if (n < 0 && errno != EINTR) return woken::client_gone;
    if (n <= 0) continue;  // a timeout or a signal: the loop re-checks the clock
    if (watch[1].revents != 0) return woken::stopped;
    if ((watch[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
      return woken::client_gone;
    if ((watch[0].revents & events) != 0) return woken::ready;
  }
}

}  // namespace inflight::mock
