// The operating system's readiness API, reduced to what the socket_action
// driver needs: watch a descriptor for reading and/or writing, forget it, and
// wait. epoll on Linux costs O(ready) per wait; poll() (the portable fallback)
// costs O(watched), which is what we set out to avoid, but it runs anywhere.
#pragma once

#include <memory>
#include <span>

namespace inflight::ch03 {

struct readiness_event {
  int fd = -1;
  bool readable = false;
  bool writable = false;
  bool error = false;
};

class poller {
 public:
  enum class backend { epoll, poll };

  virtual ~poller() = default;
  // Starts watching `fd`, or changes what is watched.
  virtual void watch(int fd, bool read, bool write) = 0;
  virtual void forget(int fd) = 0;
  // Waits up to timeout_ms (-1: until something is ready) and returns what is.
  virtual std::span<const readiness_event> wait(int timeout_ms) = 0;

  // epoll where the system has it, else poll().
  static std::unique_ptr<poller> make(backend preferred = backend::epoll);
};

}  // namespace inflight::ch03
