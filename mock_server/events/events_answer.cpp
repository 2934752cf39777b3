// The answering side of an events-engine connection (answer.hpp): its head
// and body into the bufferevent, /drip's pieces, a refusal, and closing
// without losing the last answer. Runs on the loop thread.
#include <sys/socket.h>

#include <string>
#include <utility>

#include <event2/buffer.h>

#include "mock_server/events/answer.hpp"
#include "mock_server/http1/http_reply.hpp"

namespace inflight::mock {
namespace {

using state = connection::state;
using std::chrono::microseconds;

// After its last answer, a connection reads and drops what its client still
// sends for this long before closing: closing with unread bytes would reset
// the connection and could destroy the answer before the client reads it.
constexpr microseconds linger_time{2'000'000};

}  // namespace

void arm(connection& c, microseconds after) {
  arm_timer(c.timer, after);
}

void write(connection& c, std::string_view bytes) {
  bufferevent_write(c.bev, bytes.data(), bytes.size());
}

void linger(connection& c) {
  ::shutdown(bufferevent_getfd(c.bev), SHUT_WR);
  c.now = state::lingering;
  bufferevent_enable(c.bev, EV_READ);  // reading_stopped() may have disabled it
  auto* input = bufferevent_get_input(c.bev);
  evbuffer_drain(input, evbuffer_get_length(input));
  // A client that already closed its end has nothing left to send: close on
  // the next turn of the loop (not here: our callers still hold `c`).
  arm(c, c.peer_done ? microseconds{0} : linger_time);
}

// The answer is queued: flush it, then shut down writing and linger.
void start_closing(connection& c) {
  evtimer_del(c.timer);
  c.now = state::closing;
  if (evbuffer_get_length(bufferevent_get_output(c.bev)) == 0) linger(c);
  // else on_write() lingers once the output has drained
}

// Refused before routing: a JSON error, counted in /stats, and the connection
// closes (after a malformed head, where the next request starts is unknown).
void refuse(connection& c, int status, const std::string& message) {
  c.engine->stats().note_refused();
  write(c, refusal_answer(status, message));
  start_closing(c);
}

// The answer, or the last piece of it, is queued: the request is served.
void finish_answer(connection& c) {
  if (c.in_flight) c.engine->stats().end(/*abandoned=*/false, c.origin);
  c.in_flight = false;
  c.plan = reply{};  // its body is in the output buffer now; free our copy
  const auto unread = evbuffer_get_length(bufferevent_get_input(c.bev));
  if (!c.head.keep_alive || (c.peer_done && unread == 0)) return start_closing(c);
  c.now = state::reading_head;
  bufferevent_enable(c.bev, EV_READ);  // reading_stopped() may have disabled it
  arm(c, c.engine->options().limits.idle_timeout);
  // A pipelined request may be waiting. Read it from the loop, not from here:
  // within read_requests() this would recurse once per pipelined request.
  if (unread > 0)
    bufferevent_trigger(c.bev, EV_READ,
                        BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

void answer(connection& c) {
  const auto& plan = c.plan;
  const auto unread = evbuffer_get_length(bufferevent_get_input(c.bev));
  const bool close = !c.head.keep_alive || (c.peer_done && unread == 0);
  write(c, reply_head(plan, c.queue_ms, close));
  // The router plans no body for a 204 or 304; the check keeps it so.
  const bool body = !c.head_only && has_body(plan.status);
  if (plan.drip.count() > 0 && body) {
    c.now = state::dripping;
    c.sent = 0;
    return arm(c, plan.drip / plan.drip_chunks);
  }
  if (body && plan.length > 0) {
    // Handed over, not copied: a 10 MiB body is held once, and freed by
    // libevent when its last byte has left for the kernel.
    auto* body = new std::string(plan.made_at_send ? body_piece(plan, 0, plan.length)
                                                   : std::move(c.plan.body));
    evbuffer_add_reference(
        bufferevent_get_output(c.bev), body->data(), body->size(),
        [](const void*, std::size_t, void* held) {
          delete static_cast<std::string*>(held);
        },
        body);
  }
  finish_answer(c);
}

// One piece of a /drip body; the last one ends the answer.
void drip_next(connection& c) {
  const auto& plan = c.plan;
  const auto chunk = (plan.length + plan.drip_chunks - 1) / plan.drip_chunks;
  const auto piece = body_piece(plan, c.sent, chunk);
  write(c, piece);
  c.sent += piece.size();
  if (c.sent < plan.length) return arm(c, plan.drip / plan.drip_chunks);
  finish_answer(c);
}

}  // namespace inflight::mock
