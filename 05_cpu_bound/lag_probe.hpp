// How late the event loop is: a timer due every `period` notes how long after
// its due time the loop got round to it. A loop that is free fires it within
// a millisecond; a loop held by a computation fires it when the computation
// ends. The same measure as Node's monitorEventLoopDelay; asyncio's debug
// mode warns about any step that holds the loop longer than 100 ms.
#pragma once

#include <algorithm>
#include <chrono>

#include "04_coroutines/event_loop.hpp"

namespace inflight::ch05 {

class lag_probe {
 public:
  lag_probe(ch04::event_loop& loop, ch04::steady::duration period)
      : loop_{loop}, period_{period} {
    arm(ch04::steady::now() + period_);
  }
  // Its pending tick (next_) is cancelled with it: a probe destroyed first
  // leaves the loop no callback into freed memory.
  lag_probe(const lag_probe&) = delete;
  lag_probe& operator=(const lag_probe&) = delete;

  // The latest a tick has fired after it was due, so far.
  [[nodiscard]] double max_lag_s() const { return max_lag_s_; }

 private:
  void arm(ch04::steady::time_point due) {
    next_ = loop_.call_at(due, [this, due] {
      const ch04::steady::time_point now = ch04::steady::now();
      max_lag_s_ = std::max(max_lag_s_, std::chrono::duration<double>(now - due).count());
      arm(now + period_);  // from now: one late tick is counted once, not again
    });
  }

  ch04::event_loop& loop_;
  ch04::steady::duration period_;
  ch04::event_loop::timer next_;  // last: cancelled before the rest goes
  double max_lag_s_ = 0;
};

}  // namespace inflight::ch05
