#include "04_coroutines/offload.hpp"

namespace inflight::ch04 {

// [snippet:worker]
void worker_awaiter::await_suspend(std::coroutine_handle<> waiter) {
  loop_.expect_post();  // the loop now has a worker to wait for
  worker_ = std::jthread{[this, waiter] {
    job_();              // the blocking part, off the loop thread
    loop_.post(waiter);  // the only loop member a worker may call
  }};
}
// [/snippet]

}  // namespace inflight::ch04
