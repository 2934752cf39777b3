// One client connection of the events engine: read a request, answer it on
// time, read the next. Every wait is a timer on the loop, never a thread.
//
// The connection keeps reading while a request is under way, so that a client
// that resets is noticed at once (and counted as abandoned), and a pipelined
// request waits in the input buffer until the answer before it is written.
// A half-close (shutdown(SHUT_WR), `nc -N`) is not a disconnect: the answer
// still goes out, then the connection closes. Only /hang, which never
// answers, takes a half-close as the client leaving.
//
// A connection whose first bytes are the HTTP/2 client preface is handed to
// h2_connection.cpp (same port, same loop, same routing core).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include <event2/buffer.h>

#include "mock_server/events/answer.hpp"
#include "mock_server/events/engine_events.hpp"
#include "mock_server/h2/h2_connection.hpp"
#include "mock_server/http1/http_reply.hpp"

namespace inflight::mock {
namespace {

using state = connection::state;

// Answers a client has not read yet, past which its next pipelined request
// waits until they drain (on_write()): else a client that pipelines and never
// reads makes us answer into memory without end. The kernel's socket buffers
// hold more than this already.
constexpr std::size_t max_unread_answers = 64 * 1024;

void on_probe(evutil_socket_t, short, void* arg);

// While a request is under way, read at most a head's worth ahead; the rest
// waits in the kernel. (Reading on is what lets us see a reset at once.)
std::size_t read_ahead(const server_limits& limits) {
  return limits.max_head_bytes + 4096;
}

// At read_ahead() libevent stops reading, and with it stops seeing a reset
// (and 2.1 calls on_read() again on every turn of the loop: a spinning core,
// so we disable reading ourselves); while a request waits so, on_probe() asks
// the kernel every this long.
constexpr std::chrono::milliseconds reset_check_interval{200};

void start_probe(connection& c, std::chrono::microseconds after) {
  if (c.probe == nullptr) c.probe = evtimer_new(c.engine->base(), on_probe, &c);
  if (c.probe == nullptr) throw std::bad_alloc();
  arm_timer(c.probe, after);
}

bool reading_stopped(connection& c) {
  return c.now == connection::state::waiting &&
         evbuffer_get_length(bufferevent_get_input(c.bev)) >=
             read_ahead(c.engine->options().limits);
}

// The client sent its FIN while its request waits. That is a half-close
// (`nc -N`) or a client that gave up and closed (curl's timeout): TCP cannot
// tell them apart until we send something. So we send a 1xx interim answer,
// which HTTP/1.1 clients must accept and skip (RFC 9110 15.2); a closed socket
// answers it with a reset, which on_probe() looks for shortly after. HTTP/1.0
// clients may not get a 1xx: theirs is simply answered when due.
void probe(connection& c) {
  if (c.head.version != "HTTP/1.1") return;
  write(c, "HTTP/1.1 102 Processing\r\n\r\n");
  start_probe(c, std::chrono::milliseconds(100));  // a loopback reset takes microseconds
}

// A whole request (head and body) has arrived: route it and start its answer.
void begin_request(connection& c) {
  auto& engine = *c.engine;
  evtimer_del(c.timer);
  c.head_started = false;
  c.now = state::waiting;
  const request in{c.head.method, c.head.target, std::move(c.head.headers), c.origin,
                   c.head.version};
  c.plan = route(in, engine.stats(), engine.options(), engine.budget_left(c));
  c.head_only = c.head.method == "HEAD";
  if (c.plan.refused || !engine.reserve(c, c.head_only ? 0 : c.plan.length)) {
    c.plan = reply{};
    return refuse(
        c, 503,
        engine.stats().busy_for(c.origin, engine.budget_left(), engine.options()));
  }
  std::optional<double> queue_ms;  // accepted -> handled, for a first request
  if (c.first_request)
    queue_ms =
        std::chrono::duration<double, std::milli>(steady::now() - c.accepted).count();
  c.first_request = false;
  c.queue_ms = queue_ms.value_or(0);
  if (c.plan.counted) {
    engine.stats().begin(c.plan.route, queue_ms, c.origin);
    engine.stats().count_connection(c.counted_in, /*h2=*/false);
  }
  c.in_flight = c.plan.counted;
  if (c.plan.hang) return;  // only the client leaving, or a stop, ends it
  if (c.plan.delay.count() == 0) return answer(c);
  arm(c, c.plan.delay);
}

void read_requests(connection& c) {
  auto* input = bufferevent_get_input(c.bev);
  const auto& limits = c.engine->options().limits;
  while (true) {
    const auto length = evbuffer_get_length(input);
    if (c.now == state::closing || c.now == state::lingering)
      return (void)evbuffer_drain(input, length);  // nobody will read an answer to it
    if (c.now == state::reading_body) {
      const auto n = std::min<std::uint64_t>(c.body_left, length);
      evbuffer_drain(input, n);
      c.body_left -= n;
      if (c.body_left > 0) return;  // more to come, within the request timeout
      begin_request(c);
      continue;
    }
    if (reading_stopped(c)) {
      bufferevent_disable(c.bev, EV_READ);  // until finish_answer() or linger()
      return start_probe(c, reset_check_interval);
    }
    if (c.now != state::reading_head || length == 0) return;
    if (evbuffer_get_length(bufferevent_get_output(c.bev)) > max_unread_answers) {
      evtimer_del(c.timer);  // meanwhile the write timeout watches the client
      c.head_started = false;
      c.output_full = true;
      return;
    }
    if (!c.head_started) {  // the request timeout runs from a head's first byte
      c.head_started = true;
      arm(c, limits.request_timeout);
    }
    // HTTP/2 with prior knowledge opens with its preface (RFC 9113 3.4). A
    // prefix of it waits for the rest; bytes that leave it are HTTP/1.1's.
    if (c.first_request) {
      const auto n = std::min(length, h2_preface.size());
      const auto* first = evbuffer_pullup(input, static_cast<ev_ssize_t>(n));
      if (std::memcmp(first, h2_preface.data(), n) == 0) {
        if (n < h2_preface.size()) return;
        return start_h2(c);  // serves the connection from now on
      }
    }
    // Parse again only on news: a line end (a head ends with one) or too many
    // bytes. A client sending a byte at a time cannot make us rescan 16 KiB per byte.
    const auto* data = reinterpret_cast<const char*>(evbuffer_pullup(input, -1));
    if (c.scanned > 0 && length <= limits.max_head_bytes &&
        std::memchr(data + c.scanned, '\n', length - c.scanned) == nullptr) {
      c.scanned = length;
      return;
    }
    auto result = parse_head(std::string_view(data, length), limits);
    if (result.state == head_result::refused)
      return refuse(c, result.status, result.error);
    if (result.state == head_result::incomplete) {
      c.scanned = length;
      return;
    }
    c.scanned = 0;
    evbuffer_drain(input, result.size);
    c.head = std::move(result.head);
    c.body_left = c.head.content_length;
    if (c.head.expects_continue) write(c, "HTTP/1.1 100 Continue\r\n\r\n");
    c.now = state::reading_body;  // the loop skips the body, then begins the request
  }
}

// A callback's exception (guarded()) becomes a 500 JSON while no answer has
// started; after that, the connection closes.
bool answer_500(connection* c) {
  if (c->now != state::reading_head && c->now != state::reading_body &&
      c->now != state::waiting)
    return false;
  if (c->in_flight) c->engine->stats().end(/*abandoned=*/false, c->origin);
  c->in_flight = false;
  refuse(*c, 500, "internal error (counted in /stats)");
  return true;
}

// Every callback below runs its work through this.
template <typename Work>
void guarded_http1(connection* c, Work work) noexcept {
  guarded(c, std::move(work), [c] { return answer_500(c); });
}

void on_read(bufferevent*, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded_http1(c, [c] { read_requests(*c); });
}

void on_write(bufferevent*, void* arg) {  // the output buffer is empty
  auto* c = static_cast<connection*>(arg);
  guarded_http1(c, [c] {
    if (c->now == state::closing) return linger(*c);
    if (c->output_full && c->now == state::reading_head) {
      c->output_full = false;  // its client has read: take its next request
      arm(*c, c->engine->options().limits.idle_timeout);
      read_requests(*c);
    }
  });
}

void on_event(bufferevent*, short what, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded_http1(c, [c, what] {
    if ((what & BEV_EVENT_EOF) == 0) return c->engine->close(c);  // reset, or stalled
    // The client closed its end: it sends no more, but may still read.
    c->peer_done = true;
    const auto unread = evbuffer_get_length(bufferevent_get_input(c->bev));
    switch (c->now) {
      case state::reading_head:
        if (unread == 0) return start_closing(*c);
        return refuse(*c, 400, "the request was cut short: the client closed its end");
      case state::reading_body:
        return refuse(*c, 400, "the request body was cut short");
      case state::waiting:
        if (c->plan.hang) return c->engine->close(c);  // counted as abandoned
        return probe(*c);  // answered when due, unless the client left
      case state::lingering:
        return c->engine->close(c);
      default:
        return;
    }
  });
}

// The probe's answer: a client that closed its socket has reset the
// connection by now (TCP state CLOSE); one that only half-closed it has not
// (CLOSE_WAIT). recv() cannot tell: after the FIN it reports end of stream.
// While reading has stopped (reading_stopped()), it asks again and again.
void on_probe(evutil_socket_t, short, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded_http1(c, [c] {
    tcp_info info{};
    socklen_t size = sizeof info;
    const int tcp =
        ::getsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_INFO, &info, &size) == 0
            ? info.tcpi_state
            : -1;
    if (tcp == TCP_CLOSE) return c->engine->close(c);  // reset: counted as abandoned
    if (!reading_stopped(*c)) return;
    // A FIN we have not read yet: /hang takes it as the client leaving.
    if (c->plan.hang && tcp == TCP_CLOSE_WAIT) return c->engine->close(c);
    start_probe(*c, reset_check_interval);
  });
}

void on_timer(evutil_socket_t, short, void* arg) {
  auto* c = static_cast<connection*>(arg);
  guarded_http1(c, [c] {
    const auto& limits = c->engine->options().limits;
    switch (c->now) {
      case state::reading_head:
        if (!c->head_started) return c->engine->close(c);  // idle: nothing to say
        [[fallthrough]];
      case state::reading_body:
        return refuse(*c, 408, late_request(limits));
      case state::waiting:
        return answer(*c);
      case state::dripping:
        return drip_next(*c);
      default:  // lingering (closing never arms it)
        return c->engine->close(c);
    }
  });
}

// Bytes left the output buffer for the kernel: they no longer count against
// the bytes-in-flight cap.
void on_output_drained(evbuffer*, const evbuffer_cb_info* info, void* arg) {
  auto* c = static_cast<connection*>(arg);
  try {  // nothing may unwind into libevent's frames (release() takes a lock)
    if (info->n_deleted > 0) c->engine->release(*c, info->n_deleted);
  } catch (...) {
    c->engine->stats().note_internal_error();
  }
}

}  // namespace

connection* new_connection(events_engine& engine, evutil_socket_t fd,
                           std::string origin) {
  auto c = std::make_unique<connection>();
  c->engine = &engine;
  c->origin = std::move(origin);
  c->bev = bufferevent_socket_new(engine.base(), fd, BEV_OPT_CLOSE_ON_FREE);
  if (c->bev == nullptr) throw std::bad_alloc();
  engine.stats().connection_opened();  // close() counts it closed
  return c.release();
}

void start_connection(connection& c) {
  // Answers go out as soon as they are written: no Nagle wait for a drip's pieces.
  const int one = 1;
  ::setsockopt(bufferevent_getfd(c.bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto& limits = c.engine->options().limits;
  c.timer = evtimer_new(c.engine->base(), on_timer, &c);
  c.drained = evbuffer_add_cb(bufferevent_get_output(c.bev), on_output_drained, &c);
  if (c.timer == nullptr || c.drained == nullptr) throw std::bad_alloc();
  bufferevent_setcb(c.bev, on_read, on_write, on_event, &c);
  bufferevent_setwatermark(c.bev, EV_READ, 0, read_ahead(limits));
  const auto send_timeout = to_timeval(limits.send_timeout);
  bufferevent_set_timeouts(c.bev, nullptr, &send_timeout);
  bufferevent_enable(c.bev, EV_READ | EV_WRITE);
  arm(c, limits.idle_timeout);
}

void refuse_at_once(connection& c, const std::string& message) {
  refuse(c, 503, message);
}

void cut_for_stop(connection& c) {
  if (c.h2) h2_cut_for_stop(c);
  if (c.in_flight) c.engine->stats().end(/*abandoned=*/false, c.origin);
  c.in_flight = false;
}

void close_when_flushed(connection& c) {
  bufferevent_setcb(c.bev, on_read, on_write, on_event, &c);
  start_closing(c);
}

void events_engine::close(connection* c) {
  c->h2.reset();  // its streams under way count as abandoned
  if (c->in_flight) stats_.end(/*abandoned=*/true, c->origin);
  // A connection start_connection() did not finish may lack its timer and
  // output callback.
  if (c->drained != nullptr)
    evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->drained);
  release(*c, c->held);
  if (c->timer != nullptr) event_free(c->timer);
  if (c->probe != nullptr) event_free(c->probe);
  bufferevent_free(c->bev);  // closes the socket
  // The address first: once /stats counts a connection closed, its
  // address's share is back.
  if (c->client_counted) stats_.client_disconnected(c->origin);
  stats_.connection_closed();
  connections_.erase(c);
  delete c;
}

}  // namespace inflight::mock
