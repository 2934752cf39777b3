// primer.cpp: C++20 coroutines from nothing, before chapter 04 brings in curl:
// a task, a loop that knows only timers, and a gather of three sleeps.
//   g++ -std=c++20 primer.cpp -o primer && ./primer
// Leaves out on purpose: sockets (04's loop adds epoll), exceptions (a task that
// throws ends the program here) and cancellation.
#include <chrono>
#include <coroutine>
#include <cstdio>
#include <exception>
#include <functional>
#include <queue>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// The event loop: a heap of timers, earliest first. Each timer says which
// suspended coroutine to resume when it is due; run() resumes them in turn.
class event_loop {
 public:
  void call_at(steady::time_point when, std::coroutine_handle<> who) {
    timers_.push({when, next_++, who});
  }
  void run() {
    while (!timers_.empty()) {
      const timer due = timers_.top();
      timers_.pop();
      std::this_thread::sleep_until(due.when);  // nothing else to wait for
      due.who.resume();  // runs that coroutine until its next co_await
    }
  }

 private:
  struct timer {
    steady::time_point when;
    unsigned long order;  // equal times: first scheduled, first resumed
    std::coroutine_handle<> who;
    bool operator>(const timer& other) const {
      return when != other.when ? when > other.when : order > other.order;
    }
  };
  std::priority_queue<timer, std::vector<timer>, std::greater<>> timers_;
  unsigned long next_ = 0;
};

// [snippet:sleep_for]
// co_await sleep_for{loop, d}: asyncio.sleep(d). An awaiter is three calls.
struct sleep_for {
  event_loop& loop;
  steady::duration how_long;
  bool await_ready() const noexcept { return false; }  // never done at once
  void await_suspend(std::coroutine_handle<> me) {     // me: how to resume us
    loop.call_at(steady::now() + how_long, me);
  }
  void await_resume() const noexcept {}  // the value of the co_await: none
};
// [/snippet]

// task<T>: a coroutine returning T. Lazy: nothing runs until start() or
// co_await. When it ends, it resumes whoever awaits it, if anyone does yet.
template <typename T>
class [[nodiscard]] task {
 public:
  struct promise_type;
  using handle = std::coroutine_handle<promise_type>;
  struct promise_type {
    T value{};
    std::coroutine_handle<> awaiting = std::noop_coroutine();
    task get_return_object() { return task{handle::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct resume_awaiting {
        bool await_ready() noexcept { return false; }
        std::coroutine_handle<> await_suspend(handle me) noexcept {
          return me.promise().awaiting;  // resume it next (or no one)
        }
        void await_resume() noexcept {}
      };
      return resume_awaiting{};  // suspended at the end: the frame stays for value
    }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() { std::terminate(); }
  };

  explicit task(handle frame) : frame_{frame} {}
  // One owner per frame: moved (Clang returns the task by a move), not copied.
  task(task&& other) noexcept
      : frame_{std::exchange(other.frame_, {})}, started_{other.started_} {}
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  // The task owns its frame. Started and not yet ended, the frame is still
  // waiting in the loop: destroying it would leave the loop a dangling handle.
  ~task() {
    if (frame_ && started_ && !frame_.done()) {
      std::fprintf(stderr,
                   "task destroyed before it ended: co_await every started task "
                   "before it leaves scope\n");
      std::terminate();
    }
    if (frame_) frame_.destroy();
  }

  // asyncio.create_task: runs now, until its first wait. The rule: co_await
  // every started task before it leaves scope (else ~task stops the program).
  // `&` catches the plainest breach when compiling: a temporary, started and
  // destroyed at the end of the same statement, does not compile.
  void start() & {
    started_ = true;
    frame_.resume();
  }
  // co_await t: resume me when t ends; start t first if no one has.
  bool await_ready() const { return frame_.done(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> me) {
    frame_.promise().awaiting = me;
    if (started_) return std::noop_coroutine();  // asleep: it resumes me at its end
    started_ = true;
    // Run it now, on this thread (a symmetric transfer). GCC 12 below -O2
    // turns this into a real call: fine for three naps, but a long chain of
    // co_awaits can overflow the stack (docs/compilers.md; 04's task.hpp).
    return frame_;
  }
  T await_resume() { return std::move(frame_.promise().value); }

 private:
  handle frame_;
  bool started_ = false;
};

// One nap: sleeps, notes that it woke, returns how long it slept. `woke` by
// reference: it outlives every task (main owns it).
task<long> nap(event_loop& loop, char name, std::chrono::milliseconds how_long,
               std::vector<char>& woke) {
  co_await sleep_for{loop, how_long};
  woke.push_back(name);
  std::printf("%c woke after %lld ms of sleep\n", name,
              static_cast<long long>(how_long.count()));
  co_return how_long.count();
}

// asyncio.gather(nap(a), nap(b), nap(c)): start all three, then await each.
task<long> gather_three(event_loop& loop, std::vector<char>& woke) {
  task<long> a = nap(loop, 'a', 300ms, woke);
  task<long> b = nap(loop, 'b', 200ms, woke);
  task<long> c = nap(loop, 'c', 100ms, woke);
  a.start();  // each runs until its sleep: three timers on the heap at once
  b.start();
  c.start();
  long slept = co_await a;  // b and c end meanwhile: no one awaits them yet
  slept += co_await b;      // already done: await_ready() says so, no suspension
  slept += co_await c;
  co_return slept;
}

int main() {
  event_loop loop;
  std::vector<char> woke;
  task<long> all = gather_three(loop, woke);  // lazy: nothing has run yet
  const steady::time_point start = steady::now();
  all.start();  // asyncio.run(): start the top task, then turn the loop
  loop.run();
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
  std::printf("gather: %ld ms of naps took %lld ms\n", all.await_resume(),
              static_cast<long long>(took.count()));
  // Overlapping sleeps end shortest first; one after another, in order made.
  if (woke != std::vector<char>{'c', 'b', 'a'}) {
    std::printf("the naps did not overlap: they woke in the order they were made\n");
    return 1;
  }
  return 0;
}

// Expected output:
//   c woke after 100 ms of sleep
//   b woke after 200 ms of sleep
//   a woke after 300 ms of sleep
//   gather: 600 ms of naps took 300 ms
