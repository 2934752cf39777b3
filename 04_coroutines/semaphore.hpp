// A semaphore for coroutines: the twin of asyncio.Semaphore. At most
// `permits` holders at once; the others wait in line without blocking the
// thread. `co_await limit.acquire()` gives a permit that gives itself back
// when it goes out of scope, like `async with limit:`. Loop thread only.
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <utility>

#include "04_coroutines/event_loop.hpp"

namespace inflight::ch04 {

class semaphore {
 public:
  semaphore(event_loop& loop, std::size_t permits) : loop_{loop}, available_{permits} {}
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;

  class [[nodiscard]] permit {
   public:
    explicit permit(semaphore& owner) : owner_{&owner} {}
    permit(permit&& other) noexcept : owner_{std::exchange(other.owner_, nullptr)} {}
    permit(const permit&) = delete;
    permit& operator=(const permit&) = delete;
    permit& operator=(permit&&) = delete;
    ~permit() {
      if (owner_) owner_->release();
    }

   private:
    semaphore* owner_;
  };

  class acquire_awaiter {
   public:
    explicit acquire_awaiter(semaphore& owner) : owner_{owner} {}
    bool await_ready() const;
    void await_suspend(std::coroutine_handle<> waiter) const;
    permit await_resume() const { return permit{owner_}; }

   private:
    semaphore& owner_;
  };

  acquire_awaiter acquire() { return acquire_awaiter{*this}; }
  [[nodiscard]] std::size_t available() const { return available_; }

 private:
  void release();

  event_loop& loop_;
  std::size_t available_;
  std::deque<std::coroutine_handle<>> waiting_;  // first come, first served
};

}  // namespace inflight::ch04
