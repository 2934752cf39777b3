// pg_query: a PostgreSQL query as one co_await on chapter 04's loop, through
// libpq's non-blocking API (PQsendQuery and its socket) instead of a blocking
// PQexec that would hold the loop. docs/other-io.md reads it; pg_query_test.cpp
// runs it against a small fake server. Leaves out: connecting without
// blocking (PQconnectStart), COPY, and pipelining.
#pragma once

#include <libpq-fe.h>

#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "04_coroutines/event_loop.hpp"

namespace inflight::ch04 {

using result_ptr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// [snippet:pg_query]
// co_await pg_query{loop, conn, "SELECT ..."}: sends the query without
// blocking, suspends, and is resumed by the loop once libpq has every result.
// The connection was made non-blocking first: PQsetnonblocking(conn, 1).
class pg_query {
 public:
  pg_query(event_loop& loop, PGconn* conn, std::string sql)
      : loop_{loop}, conn_{conn}, sql_{std::move(sql)} {}
  pg_query(const pg_query&) = delete;
  pg_query& operator=(const pg_query&) = delete;
  // Destroyed while waiting (its coroutine was): the loop must not call back,
  // nor resume a coroutine that is gone.
  ~pg_query() {
    if (watched_ >= 0) loop_.forget(watched_);
    if (due_) loop_.unschedule(waiter_);
  }

  bool await_ready() const noexcept { return false; }

  // bool: false means "finished already, do not suspend" (README, "What
  // await_suspend returns").
  bool await_suspend(std::coroutine_handle<> waiter) {
    waiter_ = waiter;
    // Queues the query in libpq's buffer and returns at once.
    if (PQsendQuery(conn_, sql_.c_str()) != 1) {
      error_ = PQerrorMessage(conn_);
      return false;
    }
    return !advance();
  }

  // Back on the loop thread: every result of the query, in order.
  std::vector<result_ptr> await_resume() {
    due_ = false;
    if (!error_.empty()) throw std::runtime_error(error_);
    return std::move(results_);
  }

 private:
  // As far as libpq can go without blocking. True: finished (every result
  // in, or failed). False: the socket is watched, and the loop calls again.
  bool advance() {
    const int unsent = PQflush(conn_);  // 0: all sent, 1: more to send, -1: failed
    if (unsent < 0 || PQconsumeInput(conn_) == 0) {
      error_ = PQerrorMessage(conn_);
      return finished();
    }
    // PQisBusy() == 0 means the NEXT result is complete, not all of them:
    // PQgetResult would block for one that has not fully arrived. So take
    // results one at a time, each only while libpq is not busy; a null result
    // is the end of the query.
    while (PQisBusy(conn_) == 0) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) return finished();
      results_.emplace_back(r, &PQclear);
    }
    // Not yet: watch for writable (more to send) or readable (more to come).
    watched_ = PQsocket(conn_);
    loop_.watch(watched_, true, unsent == 1, [this] {
      if (advance()) {
        due_ = true;
        loop_.schedule(waiter_);  // resumed at the loop's next turn, like a sleep
      }
    });
    return false;
  }

  // The query is over (done or failed): the loop stops watching its socket.
  bool finished() {
    if (watched_ >= 0) loop_.forget(std::exchange(watched_, -1));
    return true;
  }

  event_loop& loop_;
  PGconn* conn_;
  std::string sql_;
  std::coroutine_handle<> waiter_;
  std::vector<result_ptr> results_;
  std::string error_;
  int watched_ = -1;  // the socket while the loop watches it
  bool due_ = false;  // scheduled on the loop, not yet resumed
};
// [/snippet]

}  // namespace inflight::ch04
