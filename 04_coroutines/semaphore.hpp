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

  // Waiting in line is a place in the queue that this awaiter owns: if its
  // coroutine is destroyed while it waits, it leaves the line, and a permit
  // already handed to it goes on to the next in line. It stays where it was
  // made (the line holds its address): not copyable, not movable.
  class acquire_awaiter {
   public:
    explicit acquire_awaiter(semaphore& owner) : owner_{owner} {}
    acquire_awaiter(const acquire_awaiter&) = delete;
    acquire_awaiter& operator=(const acquire_awaiter&) = delete;
    ~acquire_awaiter();
    bool await_ready();
    void await_suspend(std::coroutine_handle<> waiter);
    permit await_resume();

   private:
    friend class semaphore;
    enum class state { new_, in_line, handed_permit, done };
    semaphore& owner_;
    std::coroutine_handle<> waiter_;
    state state_ = state::new_;
  };

  acquire_awaiter acquire() { return acquire_awaiter{*this}; }
  [[nodiscard]] std::size_t available() const { return available_; }
  [[nodiscard]] std::size_t waiting() const { return line_.size(); }

 private:
  void release();

  event_loop& loop_;
  std::size_t available_;
  std::deque<acquire_awaiter*> line_;  // first come, first served
};

}  // namespace inflight::ch04
