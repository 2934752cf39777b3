// The twin's story, chapter 04's fetch.cpp on Asio: each request raced with a
// timer, K worker coroutines taking the next URL in turn, all gathered in a
// parallel group, on one thread. Leaves out retries, as 04 does.
#include "04_coroutines/asio/fetch.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "04_coroutines/asio/http_get.hpp"
#include "harness/process_stats.hpp"
#include "harness/text.hpp"

namespace inflight::ch04_asio {

namespace asio = boost::asio;
namespace experimental = boost::asio::experimental;
using asio::awaitable;
using harness::request_record;

namespace {

class timeout_error : public std::runtime_error {
 public:
  explicit timeout_error(double timeout_s)
      : std::runtime_error("timed out after " + harness::format_number(timeout_s) +
                           " s") {}
};

// [snippet:asio_with_timeout]
// asyncio.wait_for, Asio's way: the request and a timer race in a parallel
// group. wait_for_one: when either ends, the group cancels the other through
// its cancellation slot, and completes once both have ended. So a request
// that loses has really left (its socket closed) before we report it. The
// one step the slot cannot stop is a name lookup (Boost 1.81's resolver
// ignores it): http_get stops waiting for it, and the lookup ends on its own.
awaitable<void> with_timeout(std::string url, double timeout_s, request_record& r) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer{executor,
                           std::chrono::duration_cast<asio::steady_timer::duration>(
                               std::chrono::duration<double>(timeout_s))};
  auto [order, failure, timer_error] =
      co_await experimental::make_parallel_group(
          asio::co_spawn(executor, http_get(std::move(url), r), asio::deferred),
          timer.async_wait(asio::deferred))
          .async_wait(experimental::wait_for_one(), asio::use_awaitable);
  if (order[0] == 1) throw timeout_error{timeout_s};  // the timer ended first
  if (failure) std::rethrow_exception(failure);
}
// [/snippet]

// One request: the record says how it went, whatever happened. It lives in
// this frame, which outlives the request (with_timeout waits for it to end).
awaitable<request_record> fetch_one(std::size_t index, std::string url, double timeout_s,
                                    const harness::run_clock& clock) {
  const double start_s = clock.now_s();
  request_record r;
  try {
    co_await with_timeout(url, timeout_s, r);
  } catch (const std::runtime_error& e) {  // timed out, bad URL, refused, ...
    r.error = e.what();
  }  // a logic_error (a bug of ours) is not a failed request: it propagates
  r.index = index;
  r.url = std::move(url);
  r.start_s = start_s;
  r.end_s = clock.now_s();
  r.thread = harness::current_thread_id();
  co_return r;
}

// What the workers share. It lives in gather's frame, which outlives them all
// (gather awaits them), so they hold it by reference. One thread runs every
// worker, so `next` needs no lock: a worker is only ever interrupted at a
// co_await, never between reading `next` and bumping it.
struct work_list {
  std::vector<std::string> urls;
  settings how;
  const harness::run_clock& clock;
  std::vector<request_record> records;
  std::size_t next = 0;
};

// [snippet:asio_worker]
// --max-in-flight K as K workers, each taking the next URL when it is done
// with one: Asio's idiom for a bound (its examples, and Go's worker pools).
// Asio has no semaphore for coroutines; here a worker *is* a permit, so no
// request waits in a queue for one, and no permit can be lost.
awaitable<void> worker(work_list& work) {
  while (work.next < work.urls.size()) {
    const std::size_t i = work.next++;
    work.records[i] = co_await fetch_one(i, work.urls[i], work.how.timeout_s, work.clock);
  }
}
// [/snippet]

// asyncio.gather: one co_spawn per worker, not yet started (deferred), then
// a parallel group that starts them all and resumes us when the last ends.
awaitable<std::vector<request_record>> gather(std::vector<std::string> urls, settings how,
                                              const harness::run_clock& clock) {
  const std::size_t n = urls.size();
  work_list work{std::move(urls), how, clock, std::vector<request_record>(n)};
  const std::size_t workers = std::min(n, how.max_in_flight.value_or(n));
  const auto executor = co_await asio::this_coro::executor;

  // The type of one deferred co_spawn of a worker, for the vector of them.
  using spawned = decltype(asio::co_spawn(executor, worker(work), asio::deferred));
  std::vector<spawned> started;
  for (std::size_t w = 0; w < workers; ++w)
    started.push_back(asio::co_spawn(executor, worker(work), asio::deferred));
  auto [order, failures] =
      co_await experimental::make_parallel_group(std::move(started))
          .async_wait(experimental::wait_for_all(), asio::use_awaitable);
  for (const std::exception_ptr& failure : failures)
    if (failure) std::rethrow_exception(failure);  // a bug, not a failed request
  co_return std::move(work.records);
}

}  // namespace

std::vector<request_record> fetch_all(std::vector<std::string> urls, settings how,
                                      const harness::run_clock& clock) {
  // asyncio.run: the io_context is the loop, run() returns when no work is
  // left. Hint 1: only this thread runs it. Asio calls no C callback of ours,
  // so an exception has nowhere to unwind but its coroutine: a failed request
  // is caught in fetch_one, and anything else reaches the handler below,
  // which keeps it for us to rethrow on our side of run().
  asio::io_context io{1};
  std::vector<request_record> records;
  std::exception_ptr failure;
  asio::co_spawn(io, gather(std::move(urls), how, clock),
                 [&](std::exception_ptr e, std::vector<request_record> r) {
                   failure = e;
                   records = std::move(r);
                 });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return records;
}

}  // namespace inflight::ch04_asio
