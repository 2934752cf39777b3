// One HTTP/2 stream of the events engine: its request, decoded by nghttp2, goes
// to the routing core like an HTTP/1.1 one; the plan is carried out on the
// stream's own timer (the delay, /drip's pieces, the stall limit), and the
// body goes out through a data provider that nghttp2 calls as the peer's
// flow-control windows allow. /stats counts each stream like an HTTP/1.1
// request: begin() when routed, end() when its last frame is queued, or
// abandoned when the client resets it (or never reads it) first.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "mock_server/h2/h2_connection.hpp"
#include "mock_server/http1/http_reply.hpp"

namespace inflight::mock {
namespace {

using state = h2_stream::state;
using std::chrono::microseconds;

h2_stream* stream_of(nghttp2_session* ng, std::int32_t id) {
  return static_cast<h2_stream*>(nghttp2_session_get_stream_user_data(ng, id));
}

events_engine& engine_of(const h2_stream& s) {
  return *s.session->conn->engine;
}

void arm(h2_stream& s, microseconds after) {
  arm_timer(s.timer, after);
}

void release(h2_stream& s, std::size_t bytes) {
  bytes = std::min(bytes, s.held);
  s.held -= bytes;
  engine_of(s).release(*s.session->conn, bytes);
}

// The body, as nghttp2 asks for it: what is due and not yet sent, or
// "deferred" while a /drip piece is not due yet (its timer resumes it).
ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer,
                  std::size_t length, std::uint32_t* flags, nghttp2_data_source* source,
                  void*) {
  auto& s = *static_cast<h2_stream*>(source->ptr);
  return guarded_callback(*s.session, [&]() -> ssize_t {
    const auto n = std::min(length, s.available - s.sent);
    if (n == 0 && s.sent < s.plan.length) return NGHTTP2_ERR_DEFERRED;
    if (s.plan.made_at_send)
      std::memcpy(buffer, body_piece(s.plan, s.sent, n).data(), n);
    else
      std::memcpy(buffer, s.plan.body.data() + s.sent, n);
    s.sent += n;
    release(s, n);  // nghttp2 holds it now, then the output (max_queued_output)
    if (s.sent == s.plan.length) *flags |= NGHTTP2_DATA_FLAG_EOF;
    // Progress: the stall limit starts again.
    if (s.now == state::sending) arm(s, engine_of(s).options().limits.send_timeout);
    return static_cast<ssize_t>(n);
  });
}

void add(std::vector<nghttp2_nv>& fields, const char* name, const std::string& value) {
  fields.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                    std::strlen(name), value.size(), NGHTTP2_NV_FLAG_NO_COPY_NAME});
}

// Headers now; the body (if any) as the data provider gives it.
void answer(h2_stream& s) {
  const auto& plan = s.plan;
  const auto& limits = engine_of(s).options().limits;
  const bool body = !s.head_only && has_body(plan.status) && plan.length > 0;
  const auto status = std::to_string(plan.status);
  const auto length = std::to_string(plan.length);
  const auto timing = server_timing(s.queue_ms, plan);
  const auto date = http_date();
  std::vector<nghttp2_nv> fields;  // nghttp2 copies the values
  fields.reserve(6);
  add(fields, ":status", status);
  add(fields, "content-type", plan.content_type);
  if (has_body(plan.status)) add(fields, "content-length", length);
  add(fields, "server-timing", timing);
  add(fields, "date", date);
  if (!plan.allow.empty()) add(fields, "allow", plan.allow);
  nghttp2_data_provider provider{};
  provider.source.ptr = &s;
  provider.read_callback = read_body;
  s.sent = 0;
  s.available = plan.drip.count() > 0 ? 0 : plan.length;
  s.now = !body ? state::done : plan.drip.count() > 0 ? state::dripping : state::sending;
  if (nghttp2_submit_response(s.session->ng, s.id, fields.data(), fields.size(),
                              body ? &provider : nullptr) != 0)
    throw std::runtime_error("nghttp2_submit_response failed");
  if (s.now == state::dripping) arm(s, plan.drip / plan.drip_chunks);
  if (s.now == state::sending) arm(s, limits.send_timeout);
  schedule_flush(*s.session);
}

// Refused before routing (413, 431, 408) or by the bytes-in-flight cap (503):
// the JSON error, counted in /stats as refused, not as served.
void refuse(h2_stream& s, int status, const std::string& message) {
  engine_of(s).stats().note_refused();
  s.plan = refusal(status, message);
  s.head_only = false;
  s.queue_ms = 0;
  answer(s);
}

// The request is whole: route it, and start carrying out the plan.
void dispatch(h2_stream& s) {
  auto& h = *s.session;
  auto& engine = engine_of(s);
  evtimer_del(s.timer);
  s.now = state::waiting;
  if (s.refuse_status != 0) return refuse(s, s.refuse_status, s.refuse_message);
  // :authority stands for Host (RFC 9113 8.3.1), which the router requires.
  const bool has_host =
      std::any_of(s.headers.begin(), s.headers.end(),
                  [](const auto& field) { return field.first == "host"; });
  if (!s.authority.empty() && !has_host) s.headers.emplace_back("host", s.authority);
  const request in{s.method, s.path, std::move(s.headers), h.conn->origin, "HTTP/2"};
  s.plan = route(in, engine.stats(), engine.options(), engine.budget_left(*h.conn));
  s.head_only = s.method == "HEAD";
  const auto bytes = s.head_only ? 0 : s.plan.length;
  if (s.plan.refused || !engine.reserve(*h.conn, bytes))
    return refuse(
        s, 503,
        engine.stats().busy_for(h.conn->origin, engine.budget_left(), engine.options()));
  s.held = bytes;
  std::optional<double> queue_ms;  // accepted -> handled, for a first stream
  if (h.first_stream)
    queue_ms = std::chrono::duration<double, std::milli>(steady::now() - h.conn->accepted)
                   .count();
  h.first_stream = false;
  s.queue_ms = queue_ms.value_or(0);
  if (s.plan.counted) {
    engine.stats().begin(s.plan.route, queue_ms, h.conn->origin);
    engine.stats().stream_opened();
    engine.stats().count_connection(h.counted_in, /*h2=*/true);
  }
  s.in_flight = s.plan.counted;
  if (s.plan.hang) return;  // only the client resetting it, or a stop, ends it
  if (s.plan.delay.count() == 0) return answer(s);
  arm(s, s.plan.delay);
}

void on_stream_timer(evutil_socket_t, short, void* arg) {
  auto& s = *static_cast<h2_stream*>(arg);
  guarded(s.session->conn, [&s] {  // a failure closes the connection
    const auto& limits = engine_of(s).options().limits;
    switch (s.now) {
      case state::reading:
        if (!s.headers_done) {  // a header block that never ends: the whole
          engine_of(s).stats().note_refused();
          nghttp2_session_terminate_session(s.session->ng, NGHTTP2_ENHANCE_YOUR_CALM);
          return schedule_flush(*s.session);  // connection waits on it
        }
        return refuse(s, 408, late_request(limits));
      case state::waiting:
        return answer(s);
      case state::dripping: {
        const auto& plan = s.plan;
        const auto piece = (plan.length + plan.drip_chunks - 1) / plan.drip_chunks;
        s.available = std::min(plan.length, s.available + piece);
        nghttp2_session_resume_data(s.session->ng, s.id);  // it may not be deferred
        schedule_flush(*s.session);
        if (s.available < plan.length) return arm(s, plan.drip / plan.drip_chunks);
        s.now = state::sending;  // all due: from now on the stall limit
        return arm(s, limits.send_timeout);
      }
      case state::sending:  // no progress for send_timeout: the peer's window
        // stays shut. The stream goes (counted as abandoned), and its body with it.
        nghttp2_submit_rst_stream(s.session->ng, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_CANCEL);
        return schedule_flush(*s.session);
      case state::done:
        return;
    }
  });
}

int on_begin_headers(nghttp2_session* ng, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;
  auto& h = *static_cast<h2_session*>(user);
  return guarded_callback(h, [&]() -> int {
    auto& s = h.streams.emplace_back();
    s.self = std::prev(h.streams.end());
    s.session = &h;
    s.id = frame->hd.stream_id;
    s.timer = evtimer_new(h.conn->engine->base(), on_stream_timer, &s);
    if (s.timer == nullptr) throw std::bad_alloc();
    nghttp2_session_set_stream_user_data(ng, s.id, &s);
    evtimer_del(h.idle);
    // Not whole with this frame: the rest must come within the request timeout.
    const auto whole = NGHTTP2_FLAG_END_STREAM | NGHTTP2_FLAG_END_HEADERS;
    if ((frame->hd.flags & whole) != whole)
      arm(s, h.conn->engine->options().limits.request_timeout);
    return 0;
  });
}

// One header field. Past the head limits the stream is answered 431, like an
// HTTP/1.1 head, and the rest of its fields are decoded (HPACK needs them)
// and dropped.
int on_header(nghttp2_session* ng, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t name_length, const std::uint8_t* value,
              std::size_t value_length, std::uint8_t, void*) {
  auto* s = stream_of(ng, frame->hd.stream_id);
  if (s == nullptr || s->now != state::reading || s->headers_done) return 0;
  return guarded_callback(*s->session, [&]() -> int {
    const auto& limits = s->session->conn->engine->options().limits;
    s->head_bytes += name_length + value_length + 32;
    if (s->refuse_status != 0) return 0;
    const std::string_view n(reinterpret_cast<const char*>(name), name_length);
    const std::string_view v(reinterpret_cast<const char*>(value), value_length);
    if (s->head_bytes > limits.max_head_bytes) {
      s->refuse_status = 431;
      s->refuse_message = "the request head is longer than this server's limit of " +
                          std::to_string(limits.max_head_bytes) + " bytes";
    } else if (n == ":method") {
      s->method = v;
    } else if (n == ":path") {
      s->path = v;
    } else if (n == ":authority") {
      s->authority = v;
    } else if (n.front() == ':') {  // :scheme: nothing to do with it here
    } else if (s->headers.size() >= static_cast<std::size_t>(limits.max_header_count)) {
      s->refuse_status = 431;
      s->refuse_message =
          "more than " + std::to_string(limits.max_header_count) + " header fields";
    } else {
      s->headers.emplace_back(n, v);
    }
    return 0;
  });
}

// A body nobody uses: counted against the limit, and dropped (nghttp2 opens
// the window again by itself).
int on_data_chunk(nghttp2_session* ng, std::uint8_t, std::int32_t id, const std::uint8_t*,
                  std::size_t length, void*) {
  auto* s = stream_of(ng, id);
  if (s == nullptr || s->now != state::reading) return 0;
  return guarded_callback(*s->session, [&]() -> int {
    const auto most = s->session->conn->engine->options().limits.max_body_bytes;
    s->body_bytes += length;
    if (s->body_bytes <= most) return 0;
    s->refuse_status = 413;
    s->refuse_message = "a request body of more than " + std::to_string(most) +
                        " bytes is above this server's limit";
    dispatch(*s);  // answered now; the rest of the body is dropped
    return 0;
  });
}

int on_stream_close(nghttp2_session* ng, std::int32_t id, std::uint32_t, void* user) {
  auto* s = stream_of(ng, id);
  if (s == nullptr) return 0;  // refused before we saw it
  auto& h = *static_cast<h2_session*>(user);
  return guarded_callback(h, [&]() -> int {
    free_stream(*s, /*abandoned=*/true);  // reset before its answer went out
    h.streams.erase(s->self);
    if (h.streams.empty()) note_no_streams(h);
    return 0;
  });
}

}  // namespace

int stream_frame_received(h2_session& h, const nghttp2_frame& frame) {
  const bool headers = frame.hd.type == NGHTTP2_HEADERS;
  if (!headers && frame.hd.type != NGHTTP2_DATA) return 0;
  auto* s = stream_of(h.ng, frame.hd.stream_id);
  if (s == nullptr || s->now != state::reading) return 0;
  return guarded_callback(h, [&]() -> int {
    if (headers) s->headers_done = true;
    if ((frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) dispatch(*s);
    return 0;
  });
}

// The last frame of an answer is queued: the request is served. A client still
// sending its body is told to stop (RFC 9113 8.1: RST_STREAM with NO_ERROR).
int stream_frame_sent(h2_session& h, const nghttp2_frame& frame) {
  auto* ng = h.ng;
  if ((frame.hd.type != NGHTTP2_HEADERS && frame.hd.type != NGHTTP2_DATA) ||
      (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) == 0)
    return 0;
  auto* s = stream_of(ng, frame.hd.stream_id);
  if (s == nullptr) return 0;
  return guarded_callback(*s->session, [&]() -> int {
    evtimer_del(s->timer);
    s->now = state::done;
    if (s->in_flight)
      engine_of(*s).stats().end(/*abandoned=*/false, s->session->conn->origin);
    s->in_flight = false;
    s->plan = reply{};  // its body is sent: free it
    if (nghttp2_session_get_stream_remote_close(ng, s->id) == 0)
      nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_NO_ERROR);
    return 0;
  });
}

void set_stream_callbacks(nghttp2_session_callbacks* callbacks) {
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
}

void free_stream(h2_stream& s, bool abandoned) {
  if (s.in_flight) engine_of(s).stats().end(abandoned, s.session->conn->origin);
  s.in_flight = false;
  release(s, s.held);
  if (s.timer != nullptr) event_free(s.timer);
  s.timer = nullptr;
}

}  // namespace inflight::mock
