// Writing to a pipe whose reader has gone, without dying of SIGPIPE: the signal
// is blocked in this thread for the write, which then fails with EPIPE.
#pragma once

#include <pthread.h>

#include <csignal>
#include <ctime>

namespace inflight::mock::test {

// SIGPIPE's default action ends the whole process: a test binary, here, when a
// browser it drives dies. Sockets have MSG_NOSIGNAL; pipes have nothing like
// it, and ignoring SIGPIPE process-wide would change the program we are a
// guest in. So, for as long as one of these lives, SIGPIPE is blocked in this
// thread; one our write raised is taken back before it is unblocked.
class sigpipe_blocked {
 public:
  sigpipe_blocked() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe_, &before_);
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;  // not ours to take
  }
  ~sigpipe_blocked() {
    const timespec no_wait{};
    if (!already_pending_) sigtimedwait(&sigpipe_, nullptr, &no_wait);
    pthread_sigmask(SIG_SETMASK, &before_, nullptr);
  }
  sigpipe_blocked(const sigpipe_blocked&) = delete;
  sigpipe_blocked& operator=(const sigpipe_blocked&) = delete;

 private:
  sigset_t sigpipe_{};
  sigset_t before_{};
  bool already_pending_ = false;
};

}  // namespace inflight::mock::test
