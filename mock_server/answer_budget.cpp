#include "mock_server/answer_budget.hpp"

#include <malloc.h>

#include <algorithm>

namespace inflight::mock {

bool answer_budget::take(std::size_t bytes) {
  auto used = used_.load();
  do {
    if (bytes > max_ - std::min(used, max_)) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  if (bytes >= large) trim_when_idle_ = true;
  return true;
}

void answer_budget::give_back(std::size_t bytes) {
  // malloc_trim(0) walks every arena: once per burst, not once per answer.
  if (used_.fetch_sub(bytes) == bytes && trim_when_idle_.exchange(false))
    ::malloc_trim(0);
}

}  // namespace inflight::mock
