// How a thread of the threads engine waits: on its client's socket, the
// engine's stop signal and a deadline at once, with one poll(). Nothing spins
// and nothing polls on a timer: a parked thread costs its stack and no CPU.
#pragma once

#include <atomic>
#include <chrono>

namespace inflight::mock {

using steady = std::chrono::steady_clock;

// Raised once, seen by every waiting thread: an eventfd that stays readable.
class stop_signal {
 public:
  stop_signal();  // throws std::system_error when no eventfd can be made
  ~stop_signal();
  stop_signal(const stop_signal&) = delete;
  stop_signal& operator=(const stop_signal&) = delete;

  void raise();
  [[nodiscard]] bool raised() const { return raised_.load(); }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::atomic<bool> raised_{false};
};

enum class woken { ready, timed_out, stopped, client_gone };

// Waits until `fd` has one of `events` (POLLIN, POLLOUT, POLLRDHUP, or 0 for
// none), the deadline passes, `stop` is raised, or the connection is reset
// (POLLERR or POLLHUP: always `client_gone`). A FIN alone is a half-close, not
// a disconnect: it shows as POLLIN (a read of 0) or POLLRDHUP, if asked for.
woken wait_on(int fd, short events, steady::time_point deadline, const stop_signal& stop);

}  // namespace inflight::mock
