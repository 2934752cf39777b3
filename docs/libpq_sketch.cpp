// The story of docs/other-io.md: a query in a coroutine of chapter 04, through
// ch04::pg_query (04_coroutines/pg_query.hpp, which pg_query_test.cpp runs
// against a fake PostgreSQL server). Compiled when libpq's header is
// installed, so that the code the page shows stays well-formed; the table
// `orders` is the page's, not the fake's.
#include <libpq-fe.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "04_coroutines/event_loop.hpp"
#include "04_coroutines/pg_query.hpp"
#include "04_coroutines/task.hpp"

namespace inflight::sketch {

// [snippet:pg_story]
// The story reads like any other coroutine of chapter 04: a query is one
// co_await, and the loop carries the HTTP transfers meanwhile.
ch04::task<long> count_orders(ch04::event_loop& loop, PGconn* conn) {
  std::vector<ch04::result_ptr> results =
      co_await ch04::pg_query{loop, conn, "SELECT count(*) FROM orders"};
  if (results.empty() || PQresultStatus(results.front().get()) != PGRES_TUPLES_OK)
    throw std::runtime_error("count_orders: the query failed");
  co_return std::stol(PQgetvalue(results.front().get(), 0, 0));
}
// [/snippet]

}  // namespace inflight::sketch
