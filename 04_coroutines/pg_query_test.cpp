// pg_query on the loop, against a fake PostgreSQL server made here: enough of
// the wire protocol (version 3: startup without a password, then simple
// queries) for libpq to connect and query. The fake answers `SELECT <s>` after
// <s> seconds, a thread per connection, and counts the queries it holds at
// once: the database twin of the delay server's /stats. `SELECT close` makes
// it hang up instead. `SELECT <s> idle <z>` sends the result after <s> seconds
// and the end of the query (ReadyForQuery) <z> seconds after that: libpq then
// has one result complete while the query is still going on.
#include "04_coroutines/pg_query.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "04_coroutines/spawn.hpp"
#include "04_coroutines/when_all.hpp"
#include "harness/record.hpp"

namespace inflight::ch04 {
namespace {

// A message: its type byte, then its length (itself included), then `body`.
std::string message(char type, const std::string& body) {
  const std::uint32_t length = htonl(static_cast<std::uint32_t>(body.size() + 4));
  std::string out(1, type);
  out.append(reinterpret_cast<const char*>(&length), 4);
  return out + body;
}
std::string int16(std::uint16_t v) {
  v = htons(v);
  return {reinterpret_cast<const char*>(&v), 2};
}
std::string int32(std::uint32_t v) {
  v = htonl(v);
  return {reinterpret_cast<const char*>(&v), 4};
}
bool read_exactly(int fd, char* to, std::size_t n) {
  for (std::size_t got = 0; got < n;) {
    const ssize_t r = ::recv(fd, to + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}
void send_all(int fd, const std::string& bytes) {
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

class fake_postgres {
 public:
  fake_postgres() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size);
    ::listen(listener_, 64);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread{[this] {
      for (int fd; (fd = ::accept(listener_, nullptr, nullptr)) >= 0;)
        sessions_.emplace_back([this, fd] { serve(fd); });
    }};
  }
  ~fake_postgres() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (std::thread& t : sessions_) t.join();
  }
  fake_postgres(const fake_postgres&) = delete;
  fake_postgres& operator=(const fake_postgres&) = delete;

  [[nodiscard]] std::string conninfo() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) +
           " user=learner dbname=shop sslmode=disable gssencmode=disable";
  }
  [[nodiscard]] int peak_in_flight() const { return peak_; }

 private:
  void serve(int fd) {
    char header[8];
    if (read_exactly(fd, header, 8)) {  // the startup message: length, version
      std::uint32_t length = 0;
      std::copy_n(header, 4, reinterpret_cast<char*>(&length));
      std::string rest(ntohl(length) - 8, '\0');
      read_exactly(fd, rest.data(), rest.size());  // user, database: any will do
      send_all(fd, message('R', int32(0)) +        // AuthenticationOk
                       message('K', int32(1) + int32(2)) + message('Z', "I"));
      char type = 0;
      while (read_exactly(fd, &type, 1) && read_exactly(fd, header, 4) && type == 'Q') {
        std::copy_n(header, 4, reinterpret_cast<char*>(&length));
        std::string sql(ntohl(length) - 4, '\0');
        if (!read_exactly(fd, sql.data(), sql.size())) break;
        if (sql.rfind("SELECT close", 0) == 0) break;  // the server goes away
        const std::string args = sql.substr(7, sql.find('\0') - 7);  // after "SELECT "
        const std::size_t idle = args.find(" idle ");
        answer(fd, args.substr(0, idle),
               idle == std::string::npos ? 0.0 : std::stod(args.substr(idle + 6)));
      }
    }
    ::close(fd);
  }
  // One row, one text column holding `seconds`, sent `seconds` later; the
  // end of the query `idle` seconds after it.
  void answer(int fd, const std::string& seconds, double idle) {
    const int now = ++in_flight_;
    for (int seen = peak_; now > seen && !peak_.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(std::stod(seconds)));
    --in_flight_;
    const std::string column = std::string("delay") + '\0' + int32(0) + int16(0) +
                               int32(25) + int16(0xffff) + int32(0xffffffff) + int16(0);
    send_all(fd, message('T', int16(1) + column) +
                     message('D', int16(1) + int32(seconds.size()) + seconds) +
                     message('C', std::string("SELECT 1") + '\0'));
    std::this_thread::sleep_for(std::chrono::duration<double>(idle));
    send_all(fd, message('Z', "I"));
  }

  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<int> in_flight_ = 0;
  std::atomic<int> peak_ = 0;
  std::vector<std::thread> sessions_;  // touched by the acceptor only, then joined
  std::thread acceptor_;
};

using connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

// One query: `SELECT <seconds>`, its one value back as text.
task<std::string> ask(event_loop& loop, PGconn* conn, std::string seconds) {
  std::vector<result_ptr> results = co_await pg_query{loop, conn, "SELECT " + seconds};
  if (results.empty() || PQresultStatus(results.front().get()) != PGRES_TUPLES_OK)
    throw std::runtime_error("the query failed");
  co_return PQgetvalue(results.front().get(), 0, 0);
}

// A connection to `server`, made non-blocking, as pg_query needs.
connection open(const fake_postgres& server) {
  connection conn{PQconnectdb(server.conninfo().c_str()), &PQfinish};
  if (PQstatus(conn.get()) == CONNECTION_OK) PQsetnonblocking(conn.get(), 1);
  return conn;
}

TEST(pg_query, queries_on_separate_connections_wait_at_once_on_one_thread) {
  fake_postgres server;
  constexpr int n = 4;
  std::vector<connection> conns;
  for (int i = 0; i < n; ++i) {
    conns.emplace_back(PQconnectdb(server.conninfo().c_str()), &PQfinish);
    ASSERT_EQ(PQstatus(conns.back().get()), CONNECTION_OK)
        << PQerrorMessage(conns.back().get());
    ASSERT_EQ(PQsetnonblocking(conns.back().get(), 1), 0);
  }
  const harness::run_clock clock;
  event_loop loop{clock};
  std::vector<task<std::string>> queries;
  for (int i = 0; i < n; ++i) queries.push_back(ask(loop, conns[i].get(), "0.3"));
  const std::vector<std::string> answers = loop.run(when_all(std::move(queries)));

  EXPECT_EQ(answers, std::vector<std::string>(n, "0.3"));
  EXPECT_EQ(server.peak_in_flight(), n) << "the queries did not wait at the same time";
  EXPECT_LT(clock.now_s(), n * 0.3) << "as long as the queries one after another";
}

// A coroutine that sleeps `seconds` on the loop; `woke`: when, on the clock.
task<std::string> nap(event_loop& loop, const harness::run_clock& clock, double seconds,
                      double& woke) {
  co_await loop.sleep_for(std::chrono::duration_cast<steady::duration>(
      std::chrono::duration<double>(seconds)));
  woke = clock.now_s();
  co_return "woke";
}

TEST(pg_query, a_result_in_before_its_query_ends_does_not_hold_the_loop) {
  fake_postgres server;
  const connection conn = open(server);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  const harness::run_clock clock;
  event_loop loop{clock};
  double woke = 0;
  std::vector<task<std::string>> both;
  both.push_back(
      ask(loop, conn.get(), "0 idle 0.5"));  // its result at once, its end later
  both.push_back(nap(loop, clock, 0.2, woke));
  const std::vector<std::string> answers = loop.run(when_all(std::move(both)));

  EXPECT_EQ(answers, (std::vector<std::string>{"0", "woke"}));
  EXPECT_LT(woke, 0.4) << "a 0.2 s timer was late: the loop waited inside libpq";
  EXPECT_GE(clock.now_s(), 0.5) << "the query was over before the server ended it";
}

// ask(), or what its exception said, caught in the coroutine.
task<std::string> ask_or_catch(event_loop& loop, PGconn* conn, std::string seconds) {
  try {
    co_return co_await ask(loop, conn, std::move(seconds));
  } catch (const std::runtime_error& e) {
    co_return std::string("caught: ") + e.what();
  }
}

TEST(pg_query, a_server_that_hangs_up_is_an_exception_the_coroutine_catches) {
  fake_postgres server;
  const connection conn = open(server);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  const harness::run_clock clock;
  event_loop loop{clock};
  const std::string got = loop.run(ask_or_catch(loop, conn.get(), "close"));
  EXPECT_TRUE(got.starts_with("caught: ")) << got;
  EXPECT_NE(got.find("closed the connection"), std::string::npos) << got;  // libpq's
}

// Starts a query, destroys it while it waits, then waits past its answer.
task<int> abandon_a_query(event_loop& loop, PGconn* conn) {
  {
    const spawned<std::string> query = create_task(ask(loop, conn, "0.3"));
    co_await loop.sleep_for(std::chrono::milliseconds(100));
  }  // destroyed here: its pg_query must take its socket off the loop
  co_await loop.sleep_for(std::chrono::milliseconds(400));  // the answer comes
  co_await std::suspend_always{};  // waits for nothing the loop knows of
  co_return 0;
}

TEST(pg_query, a_query_destroyed_while_it_waits_forgets_its_socket) {
  fake_postgres server;
  const connection conn = open(server);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  const harness::run_clock clock;
  event_loop loop{clock};
  // Under ASan, a socket left watched is a use after free when the answer
  // comes. Without it, the loop must then find nothing left to wait for.
  try {
    loop.run(abandon_a_query(loop, conn.get()));
    ADD_FAILURE() << "the loop waited for nothing";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("nothing it could be waiting for"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace inflight::ch04
