// The cap on bytes of answers in progress (limits.max_bytes_in_flight): built
// by the router, not yet handed to the kernel, over every connection. Clients
// that do not read hold their answers; without a cap, 64 of them asking for
// /bytes/10485760 held 0.66-0.96 GiB. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>

namespace inflight::mock {

class answer_budget {
 public:
  explicit answer_budget(std::size_t max) : max_(max) {}
  // False, and nothing taken, when `bytes` more would pass the cap.
  bool take(std::size_t bytes);
  // Gives `bytes` back. When the last large answer has gone, hands the freed
  // pages back to the system: glibc keeps them otherwise (its mmap threshold
  // rises after a large free), and a burst of large answers left the threads
  // engine at 0.6-0.9 GiB resident for good.
  void give_back(std::size_t bytes);

 private:
  static constexpr std::size_t large = 1024 * 1024;
  std::size_t max_;
  std::atomic<std::size_t> used_{0};
  std::atomic<bool> trim_when_idle_{false};
};

}  // namespace inflight::mock
