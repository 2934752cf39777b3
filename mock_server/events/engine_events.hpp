// The events engine's parts, internal to mock_server: the engine (listening,
// accepting, stopping; engine_events.cpp) and one client connection (reading
// requests, answering them on time; events_connection.cpp). Everything here
// runs on the engine's one loop thread, except stop() and the statistics.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "mock_server/core/engine.hpp"
#include "mock_server/core/routes.hpp"
#include "mock_server/http1/http_head.hpp"

namespace inflight::mock {

using steady = std::chrono::steady_clock;

class events_engine;

// An HTTP/2 connection's state (h2_connection.hpp); freed by h2_session_free,
// which counts its streams still under way as abandoned.
struct h2_session;
struct h2_session_free {
  void operator()(h2_session* session) const noexcept;
};

// One client connection, and the one request on it that is under way; a
// pipelined next request waits in the input buffer until this one is answered,
// so answers go out in order. Owned by the engine (`connections_`); the
// bufferevent and the timer are ours and are freed with it.
struct connection {
  enum class state {
    reading_head,  // waiting for a request (idle) or part-way through its head
    reading_body,  // skipping `body_left` bytes of a body nobody uses
    waiting,       // routed: a timer (delay), or nothing (/hang), until it answers
    dripping,      // head sent, body going out piece by piece on the timer
    closing,       // last answer queued: flush it, then shut down writing
    lingering,     // written and shut: read and drop what the client still sends
  };

  events_engine* engine = nullptr;
  bufferevent* bev = nullptr;
  event* timer = nullptr;  // what it means depends on the state: see on_timer()
  std::string origin;
  bool client_counted = false;  // in its address's connections (client_table)
  steady::time_point accepted = steady::now();
  bool first_request = true;  // its queueing delay is measured from `accepted`
  // The reset it was last counted after (/stats: connections_opened).
  std::uint64_t counted_in = request_stats::never_counted;
  state now = state::reading_head;
  std::size_t scanned = 0;    // bytes of the head already parsed as incomplete
  bool head_started = false;  // the request timer runs from the head's first byte
  std::uint64_t body_left = 0;
  request_head head;  // the request under way
  reply plan;         // its answer
  double queue_ms = 0;
  bool in_flight = false;    // counted in /stats: begin() done, end() due
  bool head_only = false;    // HEAD: the plan's headers without its body
  bool peer_done = false;    // the client half-closed: answer, then close
  bool output_full = false;  // its next request waits for its answers to drain
  std::size_t sent = 0;      // /drip: body bytes queued so far
  std::size_t held = 0;      // bytes this connection holds of the bytes-in-flight cap
  evbuffer_cb_entry* drained = nullptr;  // releases `held` as the output drains
  event* probe = nullptr;  // after a FIN: did the client half-close, or leave?
  // Set once the client's first bytes were the HTTP/2 preface: from then on
  // h2_connection.cpp serves it, and the HTTP/1.1 fields above rest (until it
  // closes through the HTTP/1.1 closing path). Declared last: its streams
  // hold timers on the loop and bytes of this connection's `held`.
  std::unique_ptr<h2_session, h2_session_free> h2;
};

class events_engine final : public server::engine {
 public:
  explicit events_engine(const server_options& options);
  ~events_engine() override { stop(); }
  events_engine(const events_engine&) = delete;
  events_engine& operator=(const events_engine&) = delete;

  [[nodiscard]] int port() const override { return port_; }
  void stop() override;

  // Used by connections (loop thread only).
  [[nodiscard]] const server_options& options() const { return options_; }
  [[nodiscard]] event_base* base() const { return base_; }
  request_stats& stats() { return stats_; }
  // What is left of the bytes-in-flight cap for an answer on `c`: serving a
  // room, no more than its address's share (limits.hpp).
  [[nodiscard]] std::size_t budget_left(const connection& c) const;
  [[nodiscard]] std::size_t budget_left() const {  // the whole server's
    return options_.limits.max_bytes_in_flight - bytes_in_flight_;
  }
  // Reserves `bytes` of the bytes-in-flight cap (and of the address's share);
  // false when they do not fit.
  bool reserve(connection& c, std::size_t bytes);
  void release(connection& c, std::size_t bytes);
  void close(connection* c);  // frees it; an unanswered request is abandoned

 private:
  static void on_accept(evconnlistener*, evutil_socket_t fd, sockaddr* address, int,
                        void* self) noexcept;
  static void on_accept_error(evconnlistener*, void* self);
  static void on_resume_accepting(evutil_socket_t, short, void* self);
  // noexcept: a libevent callback; what cannot fail here (stats, frees) must not.
  static void on_stop(evutil_socket_t, short, void* self) noexcept;

  // Declared before what they own uses them; freed in stop() in reverse order.
  event_base* base_ = nullptr;
  evconnlistener* listener_ = nullptr;
  event* resume_accepting_ = nullptr;  // the back-off timer after EMFILE
  event* stop_event_ = nullptr;
  std::thread loop_;
  std::mutex stop_mutex_;
  int port_ = -1;
  // Loop thread only:
  std::unordered_set<connection*> connections_;
  std::size_t bytes_in_flight_ = 0;
  bool said_out_of_descriptors_ = false;
};

// libevent's time, from ours: every timer of the engine (and of h2/) is armed
// through arm_timer().
inline timeval to_timeval(std::chrono::microseconds after) {
  const auto us = after.count();
  return {static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}
inline void arm_timer(event* timer, std::chrono::microseconds after) {
  const auto when = to_timeval(after);
  // Fails only when libevent cannot grow its timer heap: a timer left unarmed
  // would wait forever, so it is an error (every caller is inside guarded()).
  if (evtimer_add(timer, &when) != 0) throw std::bad_alloc();
}

// Every libevent callback of a connection runs its work through this: an
// exception must not unwind into libevent's C frames. It is counted in
// /stats (internal_errors); then `recover()` may still answer (true), or the
// connection closes.
template <typename Work, typename Recover>
void guarded(connection* c, Work work, Recover recover) noexcept {
  try {
    work();
  } catch (...) {
    try {
      c->engine->stats().note_internal_error();
      if (recover()) return;
    } catch (...) {
    }
    c->engine->close(c);
  }
}
template <typename Work>
void guarded(connection* c, Work work) noexcept {
  guarded(c, std::move(work), [] { return false; });
}

// events_connection.cpp: a connection on an accepted (nonblocking) socket,
// which it owns once made (close() closes it); throws std::bad_alloc, and
// then the socket is still the caller's.
connection* new_connection(events_engine& engine, evutil_socket_t fd, std::string origin);
// Starts reading its first request; throws std::bad_alloc when libevent is
// out of memory (close() it then).
void start_connection(connection& c);
// A 503 JSON before any request is read (the connection limit), then closed.
void refuse_at_once(connection& c, const std::string& message);
// Cuts the request under way (counted as served, not abandoned), for a stop.
void cut_for_stop(connection& c);
// After its last bytes are queued (an HTTP/2 connection's GOAWAY): flush them,
// shut down writing, linger, close; through the HTTP/1.1 callbacks.
void close_when_flushed(connection& c);

}  // namespace inflight::mock
