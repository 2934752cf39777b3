#include "04_coroutines/event_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "harness/transfer.hpp"

namespace inflight::ch04 {

event_loop::event_loop(const harness::run_clock& clock)
    : clock_{clock},
      multi_{curl_multi_init()},
      readiness_{ch03::poller::make()},
      wake_fd_{::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)} {
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  if (wake_fd_ < 0)
    throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  readiness_->watch(wake_fd_, true, false);
  CURLM* multi = multi_.get();
  ch03::check(curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket),
              "SOCKETFUNCTION");
  ch03::check(curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this), "SOCKETDATA");
  ch03::check(curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer),
              "TIMERFUNCTION");
  ch03::check(curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this), "TIMERDATA");
}

event_loop::~event_loop() {
  ::close(wake_fd_);
}

// libcurl: "watch this socket for IN/OUT", or "forget it". As in chapter 03.
int event_loop::on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* self,
                          void* /*socketp*/) {
  auto& loop = *static_cast<event_loop*>(self);
  if (what == CURL_POLL_REMOVE) {
    loop.readiness_->forget(fd);
  } else {
    loop.readiness_->watch(fd, (what & CURL_POLL_IN) != 0, (what & CURL_POLL_OUT) != 0);
  }
  return 0;
}

// libcurl: "call socket_action(CURL_SOCKET_TIMEOUT) in timeout_ms" (-1: never).
int event_loop::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto& loop = *static_cast<event_loop*>(self);
  loop.curl_deadline_.reset();
  if (timeout_ms >= 0)
    loop.curl_deadline_ = steady::now() + std::chrono::milliseconds(timeout_ms);
  return 0;
}

// [snippet:run_loop]
void event_loop::run_until_done(std::coroutine_handle<> main) {
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
  if (transfers_ == 0 && timers_.empty() && posts_expected_ == 0) {
    // asyncio would hang here; we say why instead.
    throw std::logic_error(
        "event loop: the main task waits, but nothing it could be "
        "waiting for is pending (no transfer, timer or worker)");
  }
  int running = 0;
  for (const ch03::readiness_event& e : readiness_->wait(wait_ms())) {
    if (e.fd == wake_fd_) {
      take_posted();
      continue;
    }
    const int flags = (e.readable ? CURL_CSELECT_IN : 0) |
                      (e.writable ? CURL_CSELECT_OUT : 0) |
                      (e.error ? CURL_CSELECT_ERR : 0);
    ch03::check(curl_multi_socket_action(multi_.get(), e.fd, flags, &running),
                "curl_multi_socket_action");
  }
  if (curl_deadline_ && steady::now() >= *curl_deadline_) {
    curl_deadline_.reset();  // curl sets a new one if it needs it
    ch03::check(curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running),
                "curl_multi_socket_action");
  }
  harvest();  // finished transfers: their coroutines are ready
  fire_due_timers();
}
// [/snippet]

int event_loop::wait_ms() const {
  std::optional<steady::time_point> next = curl_deadline_;
  if (!timers_.empty())
    next =
        std::min(next.value_or(steady::time_point::max()), timers_.begin()->first.when);
  if (!next) return 1000;  // nothing due: wake once a second regardless
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - steady::now());
  return static_cast<int>(std::clamp<long>(left.count(), 0, 1000));
}

// [snippet:post]
void event_loop::post(std::coroutine_handle<> h) {
  {
    const std::lock_guard lock{posted_mutex_};
    posted_.push_back(h);
  }
  // Wake the loop if it sleeps in epoll_wait: the eventfd becomes readable.
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
}

void event_loop::take_posted() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t read = ::read(wake_fd_, &count, sizeof count);
  // The lock makes what the worker wrote before post() visible to this thread.
  const std::lock_guard lock{posted_mutex_};
  posts_expected_ -= posted_.size();
  ready_.insert(ready_.end(), posted_.begin(), posted_.end());
  posted_.clear();
}
// [/snippet]

timer_id event_loop::call_at(steady::time_point when, std::function<void()> fn) {
  const timer_id id{when, ++timers_made_};
  timers_.emplace(id, std::move(fn));
  return id;
}

void event_loop::fire_due_timers() {
  const steady::time_point now = steady::now();
  while (!timers_.empty() && timers_.begin()->first.when <= now) {
    const std::function<void()> fn = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());  // first: fn may add or cancel timers
    fn();
  }
}

// [snippet:transfers]
void event_loop::add_transfer(pending_transfer& t) {
  // CURLOPT_PRIVATE leads a finished easy handle back to its pending_transfer.
  harness::set_option(t.easy, CURLOPT_PRIVATE, static_cast<void*>(&t));
  ch03::check(curl_multi_add_handle(multi_.get(), t.easy), "curl_multi_add_handle");
  t.running = true;
  ++transfers_;
}

void event_loop::remove_transfer(pending_transfer& t) {
  if (!t.running) return;
  ch03::check(curl_multi_remove_handle(multi_.get(), t.easy), "curl_multi_remove_handle");
  t.running = false;
  --transfers_;
}

void event_loop::harvest() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    void* owner = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
    pending_transfer& t = *static_cast<pending_transfer*>(owner);
    t.result = message->data.result;  // read before removing the handle
    remove_transfer(t);
    schedule(t.waiter);  // the dish is ready: bring it to the table
  }
}
// [/snippet]

}  // namespace inflight::ch04
