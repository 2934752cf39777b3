#include "04_coroutines/semaphore.hpp"

#include <algorithm>

namespace inflight::ch04 {

// [snippet:semaphore]
bool semaphore::acquire_awaiter::await_ready() {
  if (owner_.available_ == 0) return false;  // none free: wait in line
  --owner_.available_;
  state_ = state::done;
  return true;
}

void semaphore::acquire_awaiter::await_suspend(std::coroutine_handle<> waiter) {
  waiter_ = waiter;
  owner_.line_.push_back(this);
  state_ = state::in_line;
}

semaphore::permit semaphore::acquire_awaiter::await_resume() {
  state_ = state::done;
  return permit{owner_};
}

// A permit given back goes straight to the first in line, if any; it is
// resumed on the loop's next turn, not inside this call, so the coroutine
// giving the permit back finishes what it was doing first.
void semaphore::release() {
  if (line_.empty()) {
    ++available_;
    return;
  }
  acquire_awaiter* next = line_.front();
  line_.pop_front();
  next->state_ = acquire_awaiter::state::handed_permit;
  loop_.schedule(next->waiter_);
}
// [/snippet]

// Only does something when the coroutine is destroyed while it waits.
semaphore::acquire_awaiter::~acquire_awaiter() {
  if (state_ == state::in_line) {
    std::erase(owner_.line_, this);
  } else if (state_ == state::handed_permit) {
    owner_.loop_.unschedule(waiter_);
    owner_.release();  // the permit it never took goes to the next in line
  }
}

}  // namespace inflight::ch04
