// How a thread of the threads engine waits, and does its socket I/O: on its
// client's socket, the engine's stop signal and a deadline at once, with one
// poll(). Nothing spins and nothing polls on a timer: a parked thread costs its
// stack and no CPU, and a stop wakes it at once.
#pragma once

#include <atomic>
#include <chrono>
#include <string_view>

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

// Writes `head` then `body` on a non-blocking socket, in blocking style: one
// sendmsg() where both fit, without copying the body behind the head. Ready,
// stopped, or client_gone (a reset, or `idle` without progress: it stopped
// reading).
woken send_whole(int fd, std::string_view head, std::string_view body,
                 std::chrono::milliseconds idle, const stop_signal& stop);

// Shuts our side, reads what the client still sends for a moment, closes:
// closing with unread bytes answers them with a reset, which can destroy an
// error answer before the client reads it (RFC 9112 9.6).
void linger_and_close(int fd, const stop_signal& stop);

}  // namespace inflight::mock
