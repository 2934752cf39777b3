// The cap on bytes of answers in progress (limits.max_bytes_in_flight): built
// by the router, not yet handed to the kernel, over every connection. Clients
// that do not read hold their answers; without a cap, a few dozen of them
// asking for large bodies hold the memory of the machine. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>

namespace inflight::mock {

class answer_budget {
 public:
  explicit answer_budget(std::size_t max) : max_(max) {}
  // False, and nothing taken, when `bytes` more would pass the cap.
  bool take(std::size_t bytes);
  void give_back(std::size_t bytes) { used_ -= bytes; }
  // What take() would accept now (another thread may take it first).
  [[nodiscard]] std::size_t left() const {
    const auto used = used_.load();
    return used < max_ ? max_ - used : 0;
  }
  // Held while routing with left() and then taking what the plan holds, so
  // the two are one step. Without it, threads routing at once each saw the
  // whole budget left and built their bodies before take() refused all but a
  // few: many times the cap, built to be thrown away.
  [[nodiscard]] std::mutex& routing() { return routing_; }

 private:
  std::size_t max_;
  std::atomic<std::size_t> used_{0};
  std::mutex routing_;
};

}  // namespace inflight::mock
