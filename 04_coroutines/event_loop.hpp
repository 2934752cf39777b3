// The event loop: the waiter of the restaurant. One thread, one multi handle.
// It never stands at one table: it waits for every transfer and timer at once
// (epoll, as in chapter 03's socket_action driver), and when one is ready it
// resumes the coroutine that was waiting for it. Leaves out: more than one
// loop thread, signals, and fairness (a coroutine runs until it awaits).
//
// Threads: everything here is for the loop thread, except post(). A worker
// thread that has a result for a coroutine stores it, then calls post(); the
// loop thread resumes the coroutine, which reads the result (offload.hpp).
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "03_curl_multi/batch.hpp"
#include "03_curl_multi/poller.hpp"
#include "04_coroutines/task.hpp"
#include "harness/record.hpp"

namespace inflight::ch04 {

using steady = std::chrono::steady_clock;

// One transfer on the multi handle and the coroutine waiting for it to end.
// It lives in that coroutine's frame (http.cpp), so its address is stable.
struct pending_transfer {
  CURL* easy = nullptr;
  std::coroutine_handle<> waiter;
  CURLcode result = CURLE_OK;
  bool running = false;  // on the multi handle: not yet ended or removed
};

// When a timer is due; the sequence number keeps equal times in order.
struct timer_id {
  steady::time_point when;
  std::uint64_t sequence = 0;
  auto operator<=>(const timer_id&) const = default;
};

class event_loop {
 public:
  explicit event_loop(const harness::run_clock& clock);
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // The twin of asyncio.run: starts `main`, turns the loop until main ends,
  // and returns its value or rethrows its exception. After an exception from
  // the loop itself (curl failed), discard the loop.
  template <typename T>
  T run(task<T> main) {
    run_until_done(main.frame_);
    return main.frame_.promise().result();
  }

  [[nodiscard]] const harness::run_clock& clock() const { return clock_; }

  // Resume `h` on this loop's next turn.
  void schedule(std::coroutine_handle<> h) { ready_.push_back(h); }

  // The one member another thread may call: resume `h` on the loop thread.
  // Each post is announced on the loop thread with expect_post(), so that the
  // loop knows it has something to wait for. Announcing it just after handing
  // the work over is early enough: the loop takes posts only on its own
  // thread, at its next turn, and this thread is still busy announcing.
  void post(std::coroutine_handle<> h);
  void expect_post() { ++posts_expected_; }

  // Calls `fn` on the loop thread once `when` has come; cancel() before then
  // and it never runs (after, cancel() does nothing).
  timer_id call_at(steady::time_point when, std::function<void()> fn);
  void cancel(timer_id id) { timers_.erase(id); }

  class sleep_awaiter;
  // co_await loop.sleep_until(t): the twin of asyncio.sleep.
  sleep_awaiter sleep_until(steady::time_point when);
  sleep_awaiter sleep_for(steady::duration how_long);

  // Transfers (http.cpp): add one; take one off before it ends (cancelled, or
  // its coroutine is being destroyed). Taking off a finished one does nothing.
  void add_transfer(pending_transfer& t);
  void remove_transfer(pending_transfer& t);
  [[nodiscard]] std::size_t transfers_in_flight() const { return transfers_; }

 private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  void run_until_done(std::coroutine_handle<> main);
  void wait_for_events();
  [[nodiscard]] int wait_ms() const;
  void take_posted();
  void harvest();
  void fire_due_timers();

  const harness::run_clock& clock_;
  std::unique_ptr<CURLM, ch03::multi_cleanup> multi_;
  std::unique_ptr<ch03::poller> readiness_;
  int wake_fd_ = -1;  // an eventfd: post() writes it, the poller sees it readable
  std::optional<steady::time_point> curl_deadline_;
  std::map<timer_id, std::function<void()>> timers_;
  std::uint64_t timers_made_ = 0;
  std::deque<std::coroutine_handle<>> ready_;
  std::size_t transfers_ = 0;
  std::size_t posts_expected_ = 0;
  std::mutex posted_mutex_;  // guards posted_: the only state two threads touch
  std::vector<std::coroutine_handle<>> posted_;
};

// [snippet:sleep_awaiter]
class event_loop::sleep_awaiter {
 public:
  sleep_awaiter(event_loop& loop, steady::time_point when) : loop_{loop}, when_{when} {}
  sleep_awaiter(const sleep_awaiter&) = delete;
  sleep_awaiter& operator=(const sleep_awaiter&) = delete;
  // A coroutine destroyed while asleep must not be resumed by its timer.
  ~sleep_awaiter() {
    if (timer_) loop_.cancel(*timer_);
  }
  // Always through the loop, even when `when` has passed: like asyncio.sleep(0),
  // a sleep lets every other ready coroutine and due timer run first.
  [[nodiscard]] bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> sleeper) {
    timer_ = loop_.call_at(when_, [this, sleeper] {
      timer_.reset();
      loop_.schedule(sleeper);
    });
  }
  void await_resume() const noexcept {}

 private:
  event_loop& loop_;
  steady::time_point when_;
  std::optional<timer_id> timer_;
};
// [/snippet]

inline event_loop::sleep_awaiter event_loop::sleep_until(steady::time_point when) {
  return sleep_awaiter{*this, when};
}

inline event_loop::sleep_awaiter event_loop::sleep_for(steady::duration how_long) {
  return sleep_awaiter{*this, steady::now() + how_long};
}

}  // namespace inflight::ch04
