#include "mock_server/threads/answer_budget.hpp"

#include <algorithm>

namespace inflight::mock {

bool answer_budget::take(std::size_t bytes) {
  auto used = used_.load();
  do {
    if (bytes > max_ - std::min(used, max_)) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

}  // namespace inflight::mock
