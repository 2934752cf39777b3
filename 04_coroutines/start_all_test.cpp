// Step 3 of exercise 04 on its own: start_all::await_suspend, driven with a
// stand-in parent made here, so that the test sees whether, and from where,
// the parent is resumed. Through when_all, giving the parent's share back
// before the runners start goes unnoticed: the early resume still ends well.
#include <gtest/gtest.h>

#include <coroutine>
#include <exception>
#include <utility>
#include <vector>

#include "04_coroutines/task.hpp"
#include "04_coroutines/when_all.hpp"

namespace inflight::ch04 {
namespace {

// A coroutine that only notes that it was resumed: the parent's stand-in.
class probe {
 public:
  struct promise_type {
    probe get_return_object() {
      return probe{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };
  explicit probe(std::coroutine_handle<promise_type> frame) : frame_{frame} {}
  probe(probe&& other) noexcept : frame_{std::exchange(other.frame_, {})} {}
  probe(const probe&) = delete;
  probe& operator=(const probe&) = delete;
  ~probe() {  // suspended at its start or its end: either is safe to destroy
    if (frame_) frame_.destroy();
  }
  [[nodiscard]] std::coroutine_handle<> handle() const { return frame_; }

 private:
  std::coroutine_handle<promise_type> frame_;
};

probe note_resumed(bool& resumed) {
  resumed = true;
  co_return;
}

task<int> ends_at_once(int value) {
  co_return value;  // never suspends: ends inside runner::start()
}

TEST(start_all, gives_the_parents_share_back_only_after_starting_every_runner) {
  constexpr int n = 3;
  std::vector<outcome<int>> results(n);
  std::vector<detail::runner> runners;
  for (int i = 0; i < n; ++i)
    runners.push_back(detail::settle(ends_at_once(i), results[i]));
  detail::join_counter join{runners.size()};
  bool resumed = false;
  const probe parent = note_resumed(resumed);

  detail::start_all start{runners, join};
  const bool suspend = start.await_suspend(parent.handle());

  EXPECT_FALSE(resumed)
      << "the parent was resumed from inside start_all::await_suspend: its extra "
         "share (join.parent_arrives()) was given back before every runner had "
         "started, so the last task to end resumed it while await_suspend still ran";
  EXPECT_FALSE(suspend) << "every task ended inside start(): await_suspend must return "
                           "false (carry on), since no one is left to resume the parent";
  for (int i = 0; i < n; ++i) EXPECT_EQ(results[i].value, i) << "task " << i;
}

}  // namespace
}  // namespace inflight::ch04
