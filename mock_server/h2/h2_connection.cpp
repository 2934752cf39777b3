// One HTTP/2 connection of the events engine: the bytes libevent reads go to
// nghttp2, the frames nghttp2 queues go to the bufferevent's output, and the
// connection-wide limits are kept here. Its streams are h2_stream.cpp's.
//
// nghttp2 keeps most hostile input out by itself: a malformed frame, a broken
// header block or a stream state violated is answered with RST_STREAM or
// GOAWAY; more than 8 CONTINUATION frames end the session; past 1,000 SETTINGS
// and PING acknowledgements it could not send, it gives up on the peer
// (NGHTTP2_ERR_FLOODED). What it leaves to us: how much we queue for a client
// that does not read, how many resets a second we allow, and every timeout.
#include "mock_server/h2/h2_connection.hpp"

#include <algorithm>
#include <new>

namespace inflight::mock {
namespace {

// Bytes queued in the output (not yet taken by the kernel) past which we stop
// asking nghttp2 for frames until it drains. A client that does not read then
// fills nghttp2's own queue instead, where its acknowledgements are capped
// (see above), and libevent's write timeout (send_timeout) ends the rest.
constexpr std::size_t max_queued_output = 64 * 1024;

// The session is over for good: its streams are counted, nghttp2 is freed, and
// what is queued still goes out (the GOAWAY) before the connection closes.
void finish(connection& c) {
  c.h2.reset();
  close_when_flushed(c);
}

// Hands what nghttp2 has queued to the output, up to max_queued_output; ends
// the connection once nghttp2 has nothing left to read or write (a GOAWAY was
// sent, or one was received and every stream is done).
void settle(connection& c) {
  auto& h = *c.h2;
  auto* output = bufferevent_get_output(c.bev);
  while (evbuffer_get_length(output) < max_queued_output) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(h.ng, &data);
    if (n < 0) return c.engine->close(&c);  // only a callback failing, counted there
    if (n == 0) break;
    evbuffer_add(output, data, static_cast<std::size_t>(n));
  }
  if (nghttp2_session_want_read(h.ng) == 0 && nghttp2_session_want_write(h.ng) == 0)
    finish(c);
}

// nghttp2 refused the input for good (a flood, a bad preface, a callback
// that failed): a GOAWAY saying why, then close. A flood is counted in /stats
// as refused, like what the other limits refuse.
void fail(connection& c, ssize_t error) {
  const auto code = error == NGHTTP2_ERR_FLOODED            ? NGHTTP2_ENHANCE_YOUR_CALM
                    : error == NGHTTP2_ERR_CALLBACK_FAILURE ? NGHTTP2_INTERNAL_ERROR
                                                            : NGHTTP2_PROTOCOL_ERROR;
  auto& h = *c.h2;
  if (code == NGHTTP2_ENHANCE_YOUR_CALM) c.engine->stats().note_refused();
  nghttp2_session_terminate_session(h.ng, code);
  auto* output = bufferevent_get_output(c.bev);
  const std::uint8_t* data = nullptr;
  for (ssize_t n; (n = nghttp2_session_mem_send(h.ng, &data)) > 0;)
    evbuffer_add(output, data, static_cast<std::size_t>(n));
  finish(c);
}

// Everything libevent has read, to nghttp2, without copying: a chunk at a time.
// False when the connection was closed.
bool receive(connection& c) {
  auto* input = bufferevent_get_input(c.bev);
  while (const auto n = evbuffer_get_contiguous_space(input)) {
    const auto* data = evbuffer_pullup(input, static_cast<ev_ssize_t>(n));
    const auto used = nghttp2_session_mem_recv(c.h2->ng, data, n);
    if (used < 0) {
      fail(c, used);
      return false;
    }
    evbuffer_drain(input, n);
  }
  return true;
}

void on_read(bufferevent*, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded(c, [c] {
    if (receive(*c)) settle(*c);
  });
}

void on_write(bufferevent*, void* arg) {  // the output drained: send more
  auto* c = static_cast<connection*>(arg);
  guarded(c, [c] { settle(*c); });
}

// The client closed or reset the connection, or left an answer unread past
// send_timeout. HTTP/2 says "no more requests" with GOAWAY, not a FIN: either
// way the streams under way are counted as abandoned.
void on_event(bufferevent*, short, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded(c, [c] { c->engine->close(c); });
}

void on_flush(evutil_socket_t, short, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded(c, [c] { settle(*c); });
}

void on_idle(evutil_socket_t, short, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded(c, [c] {
    if (!c->h2->streams.empty()) return;
    nghttp2_session_terminate_session(c->h2->ng, NGHTTP2_NO_ERROR);
    settle(*c);
  });
}

// Resets, either way, cost us a routed stream each, and neither kind passes
// the stream limit: rapid reset (CVE-2023-44487), a client resetting the
// streams it opens; and MadeYouReset (CVE-2025-8671), a client making us reset
// them (a WINDOW_UPDATE that overflows a stream's window, a frame a stream's
// state forbids), which nghttp2 does without a limit. Both count against one
// budget: as many a second as a client may have streams open; past it, GOAWAY.
void count_reset(h2_session& h) {
  const auto now = std::chrono::steady_clock::now();
  if (now - h.resets_since > std::chrono::seconds(1)) {
    h.resets_since = now;
    h.resets = 0;
  }
  if (++h.resets == h.conn->engine->options().limits.max_concurrent_streams + 1) {
    h.conn->engine->stats().note_refused();  // the connection is, from now on
    nghttp2_session_terminate_session(h.ng, NGHTTP2_ENHANCE_YOUR_CALM);
  }
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  auto& h = *static_cast<h2_session*>(user);
  if (frame->hd.type != NGHTTP2_RST_STREAM) return stream_frame_received(h, *frame);
  return guarded_callback(h, [&]() -> int {
    count_reset(h);
    return 0;
  });
}

// A reset of ours that the client caused by breaking the protocol (a window
// overflow, a frame the stream's state forbids). Not our ordinary ones: a
// stream past the limit (REFUSED_STREAM), an answer sent before the upload
// ended (NO_ERROR), a client that stopped reading (CANCEL, after send_timeout).
bool client_caused(std::uint32_t error_code) {
  return error_code != NGHTTP2_NO_ERROR && error_code != NGHTTP2_REFUSED_STREAM &&
         error_code != NGHTTP2_CANCEL;
}

int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  auto& h = *static_cast<h2_session*>(user);
  if (frame->hd.type != NGHTTP2_RST_STREAM) return stream_frame_sent(h, *frame);
  if (!client_caused(frame->rst_stream.error_code)) return 0;
  return guarded_callback(h, [&]() -> int {
    count_reset(h);
    return 0;
  });
}

nghttp2_session* new_session(h2_session& h, const server_limits& limits) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_option* option = nullptr;
  nghttp2_session* ng = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) == 0 &&
      nghttp2_option_new(&option) == 0) {
    set_stream_callbacks(callbacks);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, on_frame_send);
    // Closed streams are not kept for a priority tree we do not use.
    nghttp2_option_set_no_closed_streams(option, 1);
    // nghttp2's own reset limit (GOAWAY with INTERNAL_ERROR) sits above ours.
    const auto most = static_cast<std::uint64_t>(limits.max_concurrent_streams);
    nghttp2_option_set_stream_reset_rate_limit(option, 2 * most, most);
    nghttp2_session_server_new2(&ng, callbacks, &h, option);
  }
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  return ng;
}

}  // namespace

void start_h2(connection& c) {
  guarded(&c, [&c] {  // a failure closes the connection
    auto& engine = *c.engine;
    const auto& limits = engine.options().limits;
    evtimer_del(c.timer);  // the HTTP/1.1 request timer; streams have their own
    c.head_started = false;
    // Streams release their share of the bytes-in-flight cap as nghttp2 takes
    // their body; the HTTP/1.1 release-as-written would count frames twice.
    evbuffer_cb_clear_flags(bufferevent_get_output(c.bev), c.drained,
                            EVBUFFER_CB_ENABLED);
    c.h2.reset(new h2_session{});
    auto& h = *c.h2;
    h.conn = &c;
    h.ng = new_session(h, limits);
    h.idle = evtimer_new(engine.base(), on_idle, &c);
    h.flush = event_new(engine.base(), -1, 0, on_flush, &c);
    if (h.ng == nullptr || h.idle == nullptr || h.flush == nullptr)
      throw std::bad_alloc();
    // Our receive windows stay at the default 65,535 bytes: requests carry
    // no body worth a bigger one. RFC 7540's priorities are off: streams are
    // served in turn, and nghttp2 keeps no tree for them.
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS,
         static_cast<std::uint32_t>(limits.max_concurrent_streams)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
         static_cast<std::uint32_t>(limits.max_head_bytes)},
        {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
    };
    if (nghttp2_submit_settings(h.ng, NGHTTP2_FLAG_NONE, settings, std::size(settings)) !=
        0)
      throw std::bad_alloc();
    bufferevent_setcb(c.bev, on_read, on_write, on_event, &c);
    // Read all there is, in one go: nghttp2 takes any amount.
    bufferevent_setwatermark(c.bev, EV_READ, 0, 0);
    bufferevent_set_max_single_read(c.bev, 64 * 1024);
    bufferevent_set_max_single_write(c.bev, 64 * 1024);
    bufferevent_enable(c.bev, EV_READ | EV_WRITE);
    note_no_streams(h);
    if (receive(c)) settle(c);  // the preface, and whatever came with it
  });
}

void h2_cut_for_stop(connection& c) {
  for (auto& s : c.h2->streams) {
    if (s.in_flight) c.engine->stats().end(/*abandoned=*/false, c.origin);
    s.in_flight = false;
  }
}

void schedule_flush(h2_session& h) {
  event_active(h.flush, 0, 0);  // once a turn, however many streams ask
}

void note_no_streams(h2_session& h) {
  arm_timer(h.idle, h.conn->engine->options().limits.idle_timeout);
}

int callback_failed(h2_session& h) noexcept {
  h.conn->engine->stats().note_internal_error();
  return NGHTTP2_ERR_CALLBACK_FAILURE;
}

void h2_session_free::operator()(h2_session* h) const noexcept {
  nghttp2_session_del(h->ng);  // calls none of our callbacks
  for (auto& s : h->streams) free_stream(s, /*abandoned=*/true);
  if (h->idle != nullptr) event_free(h->idle);
  if (h->flush != nullptr) event_free(h->flush);
  delete h;
}

}  // namespace inflight::mock
