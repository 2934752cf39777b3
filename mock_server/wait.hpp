// How the threads engine waits: a parked thread that a stop can wake, and, for
// /hang, a watch on the client's socket so a client that gives up frees it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace inflight::mock {

class stop_signal {
 public:
  void raise();
  [[nodiscard]] bool raised() const;
  // Sleeps `duration`; false when the stop came first.
  bool wait_for(std::chrono::microseconds duration);

 private:
  mutable std::mutex mutex_;
  std::condition_variable woken_;
  bool raised_ = false;
};

// Returns when the client on this connection closes it or `stop` is raised.
void wait_while_client_connected(int local_port, int remote_port, stop_signal& stop);

}  // namespace inflight::mock
