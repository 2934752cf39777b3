#include "04_coroutines/event_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "03_curl_multi/http2.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {

namespace {

// The loop running on this thread, if any: how run() knows it is nested.
thread_local const event_loop* running_here = nullptr;

int make_eventfd() {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  return fd;
}

}  // namespace

steady::time_point deadline_after(steady::duration how_long) {
  const steady::time_point now = steady::now();
  if (how_long <= steady::duration::zero()) return now;
  if (how_long >= steady::time_point::max() - now) return steady::time_point::max();
  return now + how_long;
}

event_loop::unique_fd::~unique_fd() {
  if (fd >= 0) ::close(fd);
}

event_loop::event_loop(const harness::run_clock& clock)
    : clock_{clock},
      multi_{ch03::make_multi()},
      readiness_{ch03::poller::make()},
      wake_{make_eventfd()},
      curl_{multi_.get(), *readiness_} {
  readiness_->watch(wake_.fd, true, false);
}

// The members' order does the work (see the header); this is for the record:
// a transfer still added here belongs to a coroutine that was never destroyed.
event_loop::~event_loop() = default;

// [snippet:run_loop]
void event_loop::run_until_done(std::coroutine_handle<> main) {
  if (broken_)
    throw std::logic_error("event_loop::run: this loop failed before; make a new one");
  // exchange: two threads calling run() at once cannot both get past this.
  if (running_here || running_.exchange(true))
    throw std::logic_error(
        "event_loop::run: a loop is already running (here, or this one on another "
        "thread); from inside a coroutine, co_await the task instead (asyncio says: "
        "asyncio.run() cannot be called from a running event loop)");
  running_here = this;
  try {
    turn(main);
    // A failure kept by remove_transfer after the last wait is this run's.
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  } catch (...) {
    running_here = nullptr;
    running_ = false;
    broken_ = true;  // the caller's main task, and every frame below it, will go
    throw;
  }
  running_here = nullptr;
  running_ = false;
}

void event_loop::turn(std::coroutine_handle<> main) {
  main.resume();  // runs until its first co_await that has to wait
  while (!main.done()) {
    if (ready_.empty()) wait_for_events();  // sleep until something is ready
    // Resume every coroutine whose wait is over. Each runs until its next
    // co_await that has to wait (or its end), then control comes back here.
    while (!ready_.empty()) {
      const std::coroutine_handle<> next = ready_.front();
      ready_.pop_front();
      next.resume();
    }
  }
}

void event_loop::wait_for_events() {
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  if (transfers_ == 0 && timers_.empty() && posts_expected_ == 0 && watched_.empty()) {
    // asyncio would hang here; we say why instead.
    throw std::logic_error(
        "event loop: the main task waits, but nothing it could be "
        "waiting for is pending (no transfer, timer, worker or watched descriptor)");
  }
  for (const ch03::readiness_event& e : readiness_->wait(wait_ms())) {
    if (e.fd == wake_.fd) {
      take_posted();
    } else if (const auto found = watched_.find(e.fd); found != watched_.end()) {
      const std::function<void()> ready = found->second;  // it may forget(fd)
      ready();
    } else {
      curl_.socket_ready(e);  // curl reads, writes or fails that socket
    }
  }
  curl_.timeout_if_due();
  harvest();  // finished transfers: their coroutines are ready
  fire_due_timers();
}
// [/snippet]

void event_loop::watch(int fd, bool read, bool write, std::function<void()> ready) {
  readiness_->watch(fd, read, write);
  watched_[fd] = std::move(ready);
}

void event_loop::forget(int fd) {
  if (watched_.erase(fd) != 0) readiness_->forget(fd);
}

int event_loop::wait_ms() const {
  std::optional<steady::time_point> next = curl_.deadline();
  if (!timers_.empty())
    next =
        std::min(next.value_or(steady::time_point::max()), timers_.begin()->first.when);
  return ch03::wait_ms_until(next);  // the nearer of curl's timeout and ours
}

// [snippet:post]
void event_loop::post(std::coroutine_handle<> h) {
  const std::lock_guard lock{posted_mutex_};
  posted_.push_back(h);
  // Wake the loop if it sleeps in epoll_wait: the eventfd becomes readable.
  // Under the lock, like the push: once a worker lets go of it, the loop may
  // resume the coroutine and its owner may destroy the loop; a write after
  // that would go to a closed (or reused) descriptor.
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_.fd, &one, sizeof one);
}

void event_loop::take_posted() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t read = ::read(wake_.fd, &count, sizeof count);
  // The lock makes what the worker wrote before post() visible to this thread.
  const std::lock_guard lock{posted_mutex_};
  if (posted_.size() > posts_expected_)
    throw std::logic_error("event loop: a post() that no expect_post() announced");
  posts_expected_ -= posted_.size();
  ready_.insert(ready_.end(), posted_.begin(), posted_.end());
  posted_.clear();
}
// [/snippet]

void event_loop::unschedule(std::coroutine_handle<> h) noexcept {
  std::erase(ready_, h);
  const std::lock_guard lock{posted_mutex_};
  const std::size_t taken = std::erase(posted_, h);
  posts_expected_ -= std::min(taken, posts_expected_);
}

event_loop::timer event_loop::call_at(steady::time_point when, std::function<void()> fn) {
  const timer_id id{when, ++timers_made_};
  timers_.emplace(id, std::move(fn));
  return timer{*this, id};
}

void event_loop::fire_due_timers() {
  const steady::time_point now = steady::now();
  while (!timers_.empty() && timers_.begin()->first.when <= now) {
    const std::function<void()> fn = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());  // first: fn may add or cancel timers
    fn();
  }
}

void event_loop::multiplex(std::size_t streams) {
  ch03::multiplex(multi_.get(), streams);
}

void event_loop::stop_multiplexing() {
  ch03::stop_multiplexing(multi_.get());
}

// [snippet:transfers]
void event_loop::add_transfer(pending_transfer& t) {
  // CURLOPT_PRIVATE leads a finished easy handle back to its pending_transfer.
  harness::set_option(t.easy, CURLOPT_PRIVATE, static_cast<void*>(&t));
  ch03::check(curl_multi_add_handle(multi_.get(), t.easy), "curl_multi_add_handle");
  t.added = true;
  ++transfers_;
  curl_.rethrow_if_failed();
}

void event_loop::remove_transfer(pending_transfer& t) noexcept {
  if (!t.added) return;
  const CURLMcode code = curl_multi_remove_handle(multi_.get(), t.easy);
  t.added = false;
  --transfers_;
  if (code != CURLM_OK && !failure_) {
    failure_ = std::make_exception_ptr(std::runtime_error(
        std::string("curl_multi_remove_handle: ") + curl_multi_strerror(code)));
  }
}

void event_loop::harvest() {
  // Every message first: removing a handle while others wait to be read
  // makes libcurl walk its lists once more for each (chapter 03's harvest).
  ended_.clear();
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    void* owner = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
    auto& t = *static_cast<pending_transfer*>(owner);
    t.result = message->data.result;  // the message goes with its handle
    ended_.push_back(&t);
  }
  for (pending_transfer* t : ended_) {
    remove_transfer(*t);
    schedule(t->waiter);  // the dish is ready: bring it to the table
  }
  curl_.rethrow_if_failed();  // removing a handle may have called back
}
// [/snippet]

}  // namespace inflight::ch04
