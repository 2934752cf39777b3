#include "04_coroutines/semaphore.hpp"

namespace inflight::ch04 {

// [snippet:semaphore]
bool semaphore::acquire_awaiter::await_ready() const {
  if (owner_.available_ == 0) return false;  // none free: wait in line
  --owner_.available_;
  return true;
}

void semaphore::acquire_awaiter::await_suspend(std::coroutine_handle<> waiter) const {
  owner_.waiting_.push_back(waiter);
}

// A permit given back goes straight to the first in line, if any; it is
// resumed on the loop's next turn, not inside this call, so the coroutine
// giving the permit back finishes what it was doing first.
void semaphore::release() {
  if (waiting_.empty()) {
    ++available_;
    return;
  }
  loop_.schedule(waiting_.front());
  waiting_.pop_front();
}
// [/snippet]

}  // namespace inflight::ch04
