#include "04_coroutines/offload.hpp"

namespace inflight::ch04 {

// [snippet:worker]
void worker_awaiter::await_suspend(std::coroutine_handle<> waiter) {
  waiter_ = waiter;
  worker_ = std::jthread{[this, waiter] {
    job_();              // the blocking part, off the loop thread
    loop_.post(waiter);  // the only loop member a worker may call
  }};
  // Counted once the worker exists: a thread that fails to start throws here
  // and leaves the loop nothing to wait for.
  loop_.expect_post();  // the loop now has a worker to wait for
}
// [/snippet]

worker_awaiter::~worker_awaiter() {
  if (!worker_.joinable()) return;  // never started, or resumed and joined
  worker_.join();
  loop_.unschedule(waiter_);
}

}  // namespace inflight::ch04
