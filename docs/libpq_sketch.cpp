// A sketch for docs/other-io.md: how a database client joins chapter 04's
// event loop through its non-blocking API (libpq's PQsendQuery and its
// socket), instead of a blocking PQexec that would hold the loop. Compiled
// (when libpq's header is installed) so that it stays well-formed, but never
// run: the project has no database server, and chapter 04's loop has no
// public "watch this descriptor" member. The sketch declares the one it
// needs, `descriptor_watcher`; giving the loop one is the real work left out.
#include <libpq-fe.h>

#include <coroutine>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "04_coroutines/task.hpp"

namespace inflight::sketch {

// What the loop would have to offer: call `ready` on the loop thread when
// `fd` can be read (or written), until forget(fd). Chapter 03's poller
// already does this for curl's sockets; here it would be a public member.
class descriptor_watcher {
 public:
  virtual ~descriptor_watcher() = default;
  virtual void watch(int fd, bool read, bool write, std::function<void()> ready) = 0;
  virtual void forget(int fd) = 0;
};

using result_ptr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// [snippet:pg_query]
// co_await pg_query{watcher, conn, "SELECT ..."}: sends the query without
// blocking, suspends, and is resumed by the loop once libpq has every result.
// The connection was made non-blocking first: PQsetnonblocking(conn, 1).
class pg_query {
 public:
  pg_query(descriptor_watcher& loop, PGconn* conn, std::string sql)
      : loop_{loop}, conn_{conn}, sql_{std::move(sql)} {}

  bool await_ready() const noexcept { return false; }

  // bool: false means "finished already, do not suspend" (see chapter 04's
  // "Coroutines in 15 minutes").
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
    if (!error_.empty()) throw std::runtime_error(error_);
    return std::move(results_);
  }

 private:
  // As far as libpq can go without blocking. True: finished (every result
  // in, or failed). False: the socket is watched, and the loop calls again.
  bool advance() {
    const int fd = PQsocket(conn_);
    const int unsent = PQflush(conn_);  // 0: all sent, 1: more to send, -1: failed
    if (unsent < 0 || PQconsumeInput(conn_) == 0) {
      error_ = PQerrorMessage(conn_);
    } else if (unsent == 1 || PQisBusy(conn_) == 1) {
      // Not yet: writable (more to send) or readable (the answer is coming).
      loop_.watch(fd, true, unsent == 1, [this] {
        if (advance()) waiter_.resume();  // on the loop thread
      });
      return false;
    } else {
      // Everything has arrived: PQgetResult no longer blocks.
      while (PGresult* r = PQgetResult(conn_)) results_.emplace_back(r, &PQclear);
    }
    loop_.forget(fd);
    return true;
  }

  descriptor_watcher& loop_;
  PGconn* conn_;
  std::string sql_;
  std::coroutine_handle<> waiter_;
  std::vector<result_ptr> results_;
  std::string error_;
};
// [/snippet]

// [snippet:pg_story]
// The story reads like any other coroutine of chapter 04: a query is one
// co_await, and the loop carries the HTTP transfers meanwhile.
ch04::task<long> count_orders(descriptor_watcher& loop, PGconn* conn) {
  std::vector<result_ptr> results =
      co_await pg_query{loop, conn, "SELECT count(*) FROM orders"};
  if (results.empty() || PQresultStatus(results.front().get()) != PGRES_TUPLES_OK)
    throw std::runtime_error("count_orders: the query failed");
  co_return std::stol(PQgetvalue(results.front().get(), 0, 0));
}
// [/snippet]

}  // namespace inflight::sketch
