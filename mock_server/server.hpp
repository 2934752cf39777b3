// The bundled delay server as an object: start it on a free loopback port, ask
// for its URL, read its statistics, stop it. Every chapter's default mode, every
// test and every benchmark uses this instead of a server on the internet.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "mock_server/limits.hpp"

namespace inflight::mock {

// How the server waits. `threads` parks one thread per connection (the
// server-side mirror of chapter 02); `events` waits on timers in one thread
// (the mirror of chapters 03 and 04) and is the engine for large N. `events`
// also speaks HTTP/2 over cleartext (h2c, prior knowledge) on the same port.
enum class engine_kind { threads, events };

std::string to_string(engine_kind kind);

struct server_options {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  engine_kind engine = engine_kind::events;
  int threads = 1024;         // threads engine: the most connections served at once
  double max_delay_s = 10.0;  // longest delay a client may ask for (httpbin's cap)
  bool quiet = true;          // false: log warnings (e.g. "all threads busy") to stderr
  server_limits limits{};     // mock_server/limits.hpp; tests shorten the timeouts
};

// What /stats reports, as numbers. "In flight" counts requests whose handler
// has started and whose answer has not yet been sent or abandoned; /stats and
// /stats/reset themselves are never counted.
struct stats_snapshot {
  std::string engine;
  std::uint64_t served = 0;     // answered, or abandoned by their client
  std::uint64_t abandoned = 0;  // of those, the client left before the answer
  std::int64_t in_flight = 0;
  std::int64_t peak_in_flight = 0;              // since start or the last reset
  std::map<std::string, std::uint64_t> routes;  // "/delay" -> count, ...
  // Time from the connection being accepted to its first request's handler
  // starting: near zero unless the server is past its capacity.
  double queue_p50_ms = 0;
  double queue_p99_ms = 0;
  double queue_max_ms = 0;
  std::uint64_t queue_samples = 0;
  std::uint64_t waited_for_thread =
      0;                   // threads engine: connections queued behind a full pool
  int worker_threads = 0;  // threads engine: workers started so far
  // Refused before a route was chosen: a malformed or oversized head, a body
  // over the limit, a connection over the limit, a request cut by its timeout,
  // an answer over the bytes-in-flight cap. Each got a 4xx/5xx JSON where the
  // connection still allowed one. Not counted in `served`.
  std::uint64_t refused = 0;
  // Answered 500 by a catch-all: a bug, never a client's fault. Also in `served`.
  std::uint64_t internal_errors = 0;
  std::int64_t connections = 0;  // client connections open now
  // Connections whose first counted request (not /stats) began since the
  // start or the last reset (both engines, both protocols); of those, the ones
  // that spoke HTTP/2; and the HTTP/2 streams that carried a counted request.
  // streams / h2_connections_opened: streams per connection. A connection that
  // only asked for /stats is not one of them: a client reading the numbers
  // does not change them.
  std::uint64_t connections_opened = 0;
  std::uint64_t h2_connections_opened = 0;
  std::uint64_t streams = 0;
};

class server {
 public:
  // Starts serving before it returns. Throws std::runtime_error with the cause
  // (e.g. "port 8080 is already in use") when it cannot.
  explicit server(server_options options = {});
  ~server();  // stop()
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // "http://127.0.0.1:PORT", no trailing slash.
  [[nodiscard]] const std::string& url() const;
  [[nodiscard]] int port() const;
  [[nodiscard]] const server_options& options() const;

  [[nodiscard]] stats_snapshot stats() const;
  void reset_stats();

  // Answers or cuts every request in flight, joins every thread, closes every
  // socket. Idempotent.
  void stop();

  class engine;  // implemented by engine_threads.cpp and engine_events.cpp

 private:
  server_options options_;
  std::string url_;
  std::unique_ptr<engine> engine_;
};

}  // namespace inflight::mock
