// HTTP/2 over cleartext (h2c, prior knowledge) in the events engine, on
// libnghttp2: internal to mock_server. nghttp2 does the protocol (frames,
// HPACK, flow control, stream states); we feed it the bytes libevent reads,
// queue what it has to send in the bufferevent's output, and turn each stream
// into a `request` for the routing core, answered on the loop's timers.
//
// h2_connection.cpp: the connection (bytes in and out, limits, GOAWAY, stop);
// h2_stream.cpp: one stream (its request, its answer, its timer).
// Everything here runs on the engine's loop thread.
#pragma once

#include <nghttp2/nghttp2.h>

#include <chrono>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>

#include "mock_server/events/engine_events.hpp"

namespace inflight::mock {

// What an HTTP/2 client sends first (RFC 9113 3.4); the events engine sniffs it.
inline constexpr std::string_view h2_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct h2_session;

// One stream: one request and its answer. Owned by its session (`streams`),
// found by nghttp2 through the stream's user data; freed when nghttp2 closes
// the stream, or with the session.
struct h2_stream {
  enum class state {
    reading,   // headers (and a body nobody uses) arriving
    waiting,   // routed: its timer is the delay, or nothing (/hang)
    dripping,  // headers sent; its timer adds a piece of the body per tick
    sending,   // the body is nghttp2's to send; its timer is the stall limit
    done,      // answered (or refused); nghttp2 may still be sending it
  };

  h2_session* session = nullptr;
  std::int32_t id = 0;
  std::list<h2_stream>::iterator self;  // its place in session->streams
  event* timer = nullptr;               // meaning by state: see on_stream_timer()
  state now = state::reading;

  // The request, as nghttp2 decodes it.
  std::string method, path, authority;
  header_list headers;
  std::size_t head_bytes = 0;    // RFC 9113 6.5.2's size: name + value + 32 each
  std::uint64_t body_bytes = 0;  // received and dropped (only /stats/reset takes one)
  bool headers_done = false;     // the header block is complete
  int refuse_status = 0;         // 413, 431: refused once the headers are in
  std::string refuse_message;

  // The answer.
  reply plan;
  bool head_only = false;     // HEAD: the plan's headers, no body
  bool in_flight = false;     // counted in /stats: begin() done, end() due
  std::size_t sent = 0;       // body bytes handed to nghttp2
  std::size_t available = 0;  // /drip: body bytes due so far
  std::size_t held = 0;       // of the connection's bytes-in-flight reservation
  double queue_ms = 0;
};

// One HTTP/2 connection: the nghttp2 session and its streams.
struct h2_session {
  connection* conn = nullptr;
  nghttp2_session* ng = nullptr;
  event* idle = nullptr;     // no stream open: closed (GOAWAY) after the idle timeout
  event* flush = nullptr;    // activated to send what nghttp2 has queued, once a turn
  bool first_stream = true;  // its queueing delay is measured from the accept
  // The reset it was last counted after (/stats: connections_opened).
  std::uint64_t counted_in = request_stats::never_counted;
  // RST_STREAMs received or sent in the current second (count_reset()).
  std::chrono::steady_clock::time_point resets_since{};
  int resets = 0;
  // Freed after `ng` (h2_session_free): safe, since freeing a stream never
  // touches nghttp2, and nghttp2_session_del calls none of our callbacks.
  std::list<h2_stream> streams;
};

// The connection's input starts with the preface: serve it as HTTP/2 from
// now on (closes it when out of memory).
void start_h2(connection& c);
// Stop(): every stream under way is cut (counted as served, not abandoned).
void h2_cut_for_stop(connection& c);

// h2_stream.cpp, for the session's setup: the stream callbacks; and a frame
// received or sent (other than RST_STREAM, which the connection counts).
void set_stream_callbacks(nghttp2_session_callbacks* callbacks);
int stream_frame_received(h2_session& h, const nghttp2_frame& frame);
int stream_frame_sent(h2_session& h, const nghttp2_frame& frame);
// A stream is freed (nghttp2 closed it, or the session goes): what it held
// goes back, and one still under way is counted as abandoned.
void free_stream(h2_stream& s, bool abandoned);

// h2_connection.cpp, for the streams: send what nghttp2 has queued, on this
// turn of the loop (once, however many streams asked); and the connection
// has no stream open now.
void schedule_flush(h2_session& h);
void note_no_streams(h2_session& h);
// What a callback that caught an exception does: counted, and the session
// fails (nghttp2 gets NGHTTP2_ERR_CALLBACK_FAILURE and the connection closes).
int callback_failed(h2_session& h) noexcept;
// Every nghttp2 callback runs its work through this, and returns what it
// returns: nothing unwinds into nghttp2's frames.
template <typename Work>
auto guarded_callback(h2_session& h, Work work) noexcept -> decltype(work()) {
  try {
    return work();
  } catch (...) {
    return callback_failed(h);
  }
}

}  // namespace inflight::mock
