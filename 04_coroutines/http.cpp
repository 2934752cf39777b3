#include "04_coroutines/http.hpp"

#include <optional>

#include "01_sync/sync.hpp"
#include "03_curl_multi/connections.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch04 {
namespace {

// [snippet:transfer_awaiter]
// Awaiting one transfer: add it to the loop's multi handle and suspend. The
// loop resumes us when curl says it ended, or we are cancelled through the
// stop token: then the transfer leaves the multi handle first, so curl never
// touches it again, and the server sees its client leave.
class transfer_awaiter {
 public:
  transfer_awaiter(event_loop& loop, CURL* easy, std::stop_token stop)
      : loop_{loop}, stop_{std::move(stop)} {
    pending_.easy = easy;
  }
  transfer_awaiter(const transfer_awaiter&) = delete;
  transfer_awaiter& operator=(const transfer_awaiter&) = delete;
  // Does something only when the coroutine is destroyed mid-wait: the
  // transfer leaves the multi handle, and a wake-up already queued for this
  // coroutine is taken back. Neither throws (we may be unwinding).
  ~transfer_awaiter() {
    on_stop_.reset();
    loop_.remove_transfer(pending_);
    if (pending_.waiter && !resumed_) loop_.unschedule(pending_.waiter);
  }

  bool await_ready() {
    cancelled_ = stop_.stop_requested();  // stopped before it began
    return cancelled_;
  }
  void await_suspend(std::coroutine_handle<> waiter) {
    pending_.waiter = waiter;
    loop_.add_transfer(pending_);
    on_stop_.emplace(stop_, cancel{this});  // may run cancel at once
  }
  // curl's result, or nullopt when cancelled.
  std::optional<CURLcode> await_resume() {
    resumed_ = true;
    on_stop_.reset();
    if (cancelled_) return std::nullopt;
    return pending_.result;
  }

 private:
  // Runs on the thread that requests the stop: the loop thread (wait_for's
  // timer). noexcept, as a stop callback must be.
  struct cancel {
    transfer_awaiter* self;
    void operator()() const noexcept {
      if (!self->pending_.added) return;  // ended already: its resume is queued
      self->loop_.remove_transfer(self->pending_);
      self->cancelled_ = true;
      self->loop_.schedule(self->pending_.waiter);
    }
  };

  event_loop& loop_;
  std::stop_token stop_;
  pending_transfer pending_;
  bool cancelled_ = false;
  bool resumed_ = false;
  std::optional<std::stop_callback<cancel>> on_stop_;  // last: goes first
};
// [/snippet]

}  // namespace

// [snippet:http_get]
task<harness::request_record> http_get(event_loop& loop, std::string url,
                                       std::stop_token stop, http_options options) {
  // In this frame, so it stays put while curl writes into it.
  harness::transfer t;
  t.record.url = std::move(url);
  const harness::easy_handle easy = harness::make_easy();
  ch01::begin_transfer(easy.get(), t, options.timeout_s, loop.clock());
  if (options.http2) {
    ch03::use_http2(easy.get(), *options.http2);
  } else if (options.fresh_connection) {
    ch03::use_fresh_connection(easy.get());
  }

  const std::optional<CURLcode> result =
      co_await transfer_awaiter{loop, easy.get(), std::move(stop)};

  if (!result) {
    harness::request_record r =
        harness::end_transfer(easy.get(), t, CURLE_ABORTED_BY_CALLBACK, loop.clock());
    r.error = "cancelled";
    co_return r;
  }
  co_return harness::end_transfer(easy.get(), t, *result, loop.clock());
}
// [/snippet]

}  // namespace inflight::ch04
