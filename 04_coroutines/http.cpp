#include "04_coroutines/http.hpp"

#include <optional>

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
  // Only does something when the coroutine is destroyed mid-transfer.
  ~transfer_awaiter() { loop_.remove_transfer(pending_); }

  bool await_ready() {
    cancelled_ = stop_.stop_requested();  // stopped before it began
    return cancelled_;
  }
  void await_suspend(std::coroutine_handle<> waiter) {
    pending_.waiter = waiter;
    loop_.add_transfer(pending_);
    on_stop_.emplace(stop_, cancel{this});
  }
  // curl's result, or nullopt when cancelled.
  std::optional<CURLcode> await_resume() {
    on_stop_.reset();
    if (cancelled_) return std::nullopt;
    return pending_.result;
  }

 private:
  struct cancel {
    transfer_awaiter* self;
    void operator()() const {
      if (!self->pending_.running) return;  // ended already: its resume is queued
      self->loop_.remove_transfer(self->pending_);
      self->cancelled_ = true;
      self->loop_.schedule(self->pending_.waiter);
    }
  };

  event_loop& loop_;
  std::stop_token stop_;
  pending_transfer pending_;
  bool cancelled_ = false;
  std::optional<std::stop_callback<cancel>> on_stop_;
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
  harness::begin_transfer(easy.get(), t, options.timeout_s, loop.clock());
  if (options.fresh_connection) {
    harness::set_option(easy.get(), CURLOPT_FRESH_CONNECT, 1L);
    harness::set_option(easy.get(), CURLOPT_FORBID_REUSE, 1L);
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
