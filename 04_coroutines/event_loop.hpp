// The event loop: the waiter of the restaurant. One thread, one multi handle.
// It never stands at one table: it waits for every transfer and timer at once
// (epoll, with chapter 03's socket_action plumbing), and when one is ready it
// resumes the coroutine that was waiting for it. Leaves out: more than one
// loop thread, signals, and fairness (a coroutine runs until it awaits).
//
// Threads: everything here is for the loop thread, except post(). A worker
// thread that has a result for a coroutine stores it, then calls post(); the
// loop thread resumes the coroutine, which reads the result (offload.hpp).
// The rule that keeps this safe: the loop outlives every thread that may
// still post to it. Declare the loop first, the pool or threads after it.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "03_curl_multi/multi_handle.hpp"
#include "03_curl_multi/poller.hpp"
#include "03_curl_multi/socket_action.hpp"
#include "04_coroutines/task.hpp"
#include "harness/record.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {

using steady = std::chrono::steady_clock;

// now + how_long, saturated: a huge duration means "never", not an overflow
// into the past; a negative one means "now".
steady::time_point deadline_after(steady::duration how_long);

// One transfer on the multi handle and the coroutine waiting for it to end.
// It lives in that coroutine's frame (http.cpp), so its address is stable.
struct pending_transfer {
  CURL* easy = nullptr;
  std::coroutine_handle<> waiter;
  CURLcode result = CURLE_OK;
  bool added = false;  // on the multi handle: not yet ended or removed
};

// When a timer is due; the sequence number keeps equal times in order.
struct timer_id {
  steady::time_point when;
  std::uint64_t sequence = 0;  // 64 bits: a billion timers a second for 500 years
  auto operator<=>(const timer_id&) const = default;
};

class event_loop {
 public:
  explicit event_loop(const harness::run_clock& clock);
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // The twin of asyncio.run: starts `main`, turns the loop until main ends,
  // and returns its value or rethrows its exception. Refused (logic_error)
  // while a loop is already running on this thread, as asyncio refuses: from
  // inside a coroutine, co_await the task instead. After the loop itself
  // failed (curl did, or nothing was left to wait for), it refuses to run
  // again: coroutines it held were destroyed mid-wait.
  template <typename T>
  T run(task<T> main) {
    run_until_done(main.start_outermost());
    return main.frame_.promise().result();
  }

  [[nodiscard]] const harness::run_clock& clock() const { return clock_; }

  // Resume `h` on this loop's next turn.
  void schedule(std::coroutine_handle<> h) { ready_.push_back(h); }
  // Take back a schedule() or post() of `h` not yet resumed: for an awaiter
  // whose coroutine is destroyed before the loop got round to it.
  void unschedule(std::coroutine_handle<> h) noexcept;

  // The one member another thread may call: resume `h` on the loop thread.
  // Each post is announced on the loop thread with expect_post(), so that the
  // loop knows it has something to wait for. Announcing it just after handing
  // the work over is early enough: the loop takes posts only on its own
  // thread, at its next turn, and this thread is still busy announcing.
  void post(std::coroutine_handle<> h);
  void expect_post() { ++posts_expected_; }
  // A post announced that will not come after all (its coroutine is gone).
  void unexpect_post() noexcept {
    if (posts_expected_ > 0) --posts_expected_;
  }

  // A pending call_at. It owns the callback's slot: destroying it (or the
  // frame it lives in) cancels the call, so a callback never runs after what
  // it refers to has gone. Move-only; default-constructed, it holds nothing.
  class [[nodiscard]] timer {
   public:
    timer() = default;
    timer(event_loop& loop, timer_id id) : loop_{&loop}, id_{id} {}
    timer(timer&& other) noexcept
        : loop_{std::exchange(other.loop_, nullptr)}, id_{other.id_} {}
    timer& operator=(timer&& other) noexcept {
      if (this != &other) {
        cancel();
        loop_ = std::exchange(other.loop_, nullptr);
        id_ = other.id_;
      }
      return *this;
    }
    timer(const timer&) = delete;
    timer& operator=(const timer&) = delete;
    ~timer() { cancel(); }
    // Before it fired: it never will. After: does nothing.
    void cancel() noexcept {
      if (loop_) std::exchange(loop_, nullptr)->timers_.erase(id_);
    }

   private:
    event_loop* loop_ = nullptr;
    timer_id id_;
  };

  // Calls `fn` on the loop thread once `when` has come, unless the returned
  // timer is cancelled or destroyed first.
  timer call_at(steady::time_point when, std::function<void()> fn);

  class sleep_awaiter;
  // co_await loop.sleep_until(t): the twin of asyncio.sleep.
  sleep_awaiter sleep_until(steady::time_point when);
  sleep_awaiter sleep_for(steady::duration how_long);

  // Transfers (http.cpp): add one; take one off before it ends (cancelled, or
  // its coroutine is being destroyed). Taking off a finished one does nothing.
  // remove_transfer never throws: it runs in destructors and stop callbacks.
  // Should curl fail it, the loop rethrows that failure at its next turn.
  void add_transfer(pending_transfer& t);
  void remove_transfer(pending_transfer& t) noexcept;
  [[nodiscard]] std::size_t transfers_in_flight() const { return transfers_; }
  // --http2 (chapter 03's http2.hpp): one connection a host, carrying up to
  // `streams` transfers at once; or back to libcurl's defaults, for a run
  // that goes on over HTTP/1.1.
  void multiplex(std::size_t streams);
  void stop_multiplexing();

  // A descriptor another library hands over (a database client's socket):
  // `ready` runs on the loop thread whenever `fd` is readable (or writable,
  // if `write`), until forget(fd). Watching it again changes what is watched.
  // While any is watched the loop has something to wait for.
  void watch(int fd, bool read, bool write, std::function<void()> ready);
  void forget(int fd);

 private:
  // Closes a descriptor once: the eventfd is not leaked if the constructor
  // throws after making it.
  struct unique_fd {
    int fd = -1;
    explicit unique_fd(int descriptor) : fd{descriptor} {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd();
  };

  void run_until_done(std::coroutine_handle<> main);
  void turn(std::coroutine_handle<> main);
  void wait_for_events();
  [[nodiscard]] int wait_ms() const;
  void take_posted();
  void harvest();
  void fire_due_timers();

  const harness::run_clock& clock_;
  // Declaration order is destruction order, reversed: the hook goes first
  // (libcurl calls nobody after that), then the eventfd and the poller, and
  // the multi handle last, with no callback left to call.
  ch03::multi_handle multi_;
  std::unique_ptr<ch03::poller> readiness_;
  unique_fd wake_;  // an eventfd: post() writes it, the poller sees it readable
  ch03::socket_action_hook curl_;
  std::map<timer_id, std::function<void()>> timers_;
  std::uint64_t timers_made_ = 0;
  std::deque<std::coroutine_handle<>> ready_;
  std::size_t transfers_ = 0;
  std::vector<pending_transfer*> ended_;  // harvest(): read off curl at once
  std::size_t posts_expected_ = 0;
  std::map<int, std::function<void()>> watched_;  // watch(): not curl's sockets
  std::exception_ptr failure_;  // from a call that could not throw: see remove_transfer
  bool broken_ = false;         // the loop threw: it runs no more
  std::atomic<bool> running_ = false;  // inside run(), on whichever thread
  std::mutex posted_mutex_;            // guards posted_ and the eventfd's write
  std::vector<std::coroutine_handle<>> posted_;
};

// [snippet:sleep_awaiter]
class event_loop::sleep_awaiter {
 public:
  sleep_awaiter(event_loop& loop, steady::time_point when) : loop_{loop}, when_{when} {}
  sleep_awaiter(const sleep_awaiter&) = delete;
  sleep_awaiter& operator=(const sleep_awaiter&) = delete;
  // A coroutine destroyed while asleep must not be resumed: the timer goes
  // with it, and so does a wake-up already queued for it.
  ~sleep_awaiter() {
    if (due_) loop_.unschedule(sleeper_);
  }
  // Always through the loop, even when `when` has passed: like asyncio.sleep(0),
  // a sleep lets every other ready coroutine and due timer run first.
  [[nodiscard]] bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> sleeper) {
    sleeper_ = sleeper;
    timer_ = loop_.call_at(when_, [this] {
      due_ = true;
      loop_.schedule(sleeper_);
    });
  }
  void await_resume() noexcept { due_ = false; }

 private:
  event_loop& loop_;
  steady::time_point when_;
  std::coroutine_handle<> sleeper_;
  bool due_ = false;  // scheduled, not yet resumed
  timer timer_;
};
// [/snippet]

inline event_loop::sleep_awaiter event_loop::sleep_until(steady::time_point when) {
  return sleep_awaiter{*this, when};
}

inline event_loop::sleep_awaiter event_loop::sleep_for(steady::duration how_long) {
  return sleep_awaiter{*this, deadline_after(how_long)};
}

}  // namespace inflight::ch04
