// The events engine: libevent's evhttp on one thread, every delay a timer, no
// thread per request. The server-side mirror of chapters 03 and 04, and the
// engine that holds 10,000 requests in flight on a few megabytes.
//
// Ownership: libevent owns connections and requests; a `pending` record (ours)
// lives from the handler until the answer is sent or the client leaves, and
// the connection's close callback is how we hear that the client left.
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>

#include "mock_server/engine.hpp"
#include "mock_server/routes.hpp"

namespace inflight::mock {
namespace {

using clock = std::chrono::steady_clock;
constexpr int listen_backlog = 4096;  // libevent's default is 128: too few for 10k
constexpr ev_ssize_t max_header_bytes = 16 * 1024;  // request line + headers

const char* method_name(evhttp_cmd_type command) {
  switch (command) {
    case EVHTTP_REQ_GET:
      return "GET";
    case EVHTTP_REQ_POST:
      return "POST";
    case EVHTTP_REQ_HEAD:
      return "HEAD";
    case EVHTTP_REQ_PUT:
      return "PUT";
    case EVHTTP_REQ_DELETE:
      return "DELETE";
    case EVHTTP_REQ_OPTIONS:
      return "OPTIONS";
    case EVHTTP_REQ_PATCH:
      return "PATCH";
    default:
      return "OTHER";
  }
}

timeval to_timeval(std::chrono::microseconds duration) {
  const auto us = duration.count();
  return timeval{static_cast<time_t>(us / 1'000'000),
                 static_cast<suseconds_t>(us % 1'000'000)};
}

// libevent logs to stderr by default, and at a descriptor limit it logs every
// failed accept(): thousands of lines. We say each distinct message once.
void log_once(int severity, const char* message) {
  static std::mutex mutex;
  static std::unordered_set<std::string> said;
  if (severity < EVENT_LOG_WARN) return;
  const std::scoped_lock lock(mutex);
  if (said.insert(message).second)
    std::fprintf(stderr, "mock_server: libevent: %s\n", message);
}

void quiet_log(int, const char*) {}

class events_engine;

struct pending {
  events_engine* engine;
  evhttp_request* req;
  reply plan;
  double queue_ms;
  event* timer = nullptr;
  event* watch = nullptr;  // fires when the client closes its end
  bool client_left = false;
  bool dripping = false;  // /drip: headers sent, body going out piece by piece
  std::size_t sent = 0;   // /drip: body bytes sent so far
};

class events_engine final : public server::engine {
 public:
  explicit events_engine(const server_options& options);
  ~events_engine() override { stop(); }
  events_engine(const events_engine&) = delete;
  events_engine& operator=(const events_engine&) = delete;

  [[nodiscard]] int port() const override { return port_; }
  void stop() override;

 private:
  static bufferevent* on_connection(event_base* base, void* self);
  static void on_request(evhttp_request* req, void* self);
  static void on_timer(evutil_socket_t, short, void* op);
  static void on_client_closed(evhttp_connection* connection, void* op);
  static void on_client_fin(evutil_socket_t, short, void* op);
  static void on_stop(evutil_socket_t, short, void* self);

  void answer(pending* op);
  void drip_next(pending* op);
  void schedule(pending* op, std::chrono::microseconds after);
  void finish(pending* op, bool abandoned);

  event_base* base_ = nullptr;
  evhttp* http_ = nullptr;
  event* stop_event_ = nullptr;
  std::thread loop_;
  std::mutex stop_mutex_;
  int port_ = -1;
  // Touched only on the loop thread:
  std::unordered_map<bufferevent*, clock::time_point> accepted_;
  std::unordered_set<pending*> pending_;
};

events_engine::events_engine(const server_options& options) : engine(options, "events") {
  // stop() wakes the loop from another thread: libevent must be told to lock.
  static std::once_flag threads_enabled;
  std::call_once(threads_enabled, [] { evthread_use_pthreads(); });
  // Process-wide: the last engine started decides (one server per process is usual).
  event_set_log_callback(options_.quiet ? quiet_log : log_once);

  base_ = event_base_new();
  http_ = evhttp_new(base_);
  if (base_ == nullptr || http_ == nullptr)
    throw std::runtime_error("libevent: out of memory");
  evhttp_set_max_headers_size(http_, max_header_bytes);
  evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                        EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                        EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
  evhttp_set_gencb(http_, on_request, this);
  evhttp_set_bevcb(http_, on_connection, this);

  errno = 0;
  auto* bound = evhttp_bind_socket_with_handle(http_, options_.host.c_str(),
                                               static_cast<ev_uint16_t>(options_.port));
  if (bound == nullptr) {
    const int error = errno;
    evhttp_free(http_);
    event_base_free(base_);
    throw std::runtime_error(listen_error(options_, error));
  }
  const int fd = evhttp_bound_socket_get_fd(bound);
  ::listen(fd, listen_backlog);
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.ss_family == AF_INET6
                    ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                    : reinterpret_cast<sockaddr_in&>(address).sin_port);

  stop_event_ = event_new(base_, -1, 0, on_stop, this);
  loop_ = std::thread([this] { event_base_dispatch(base_); });
}

void events_engine::stop() {
  const std::scoped_lock lock(stop_mutex_);
  if (!loop_.joinable()) return;
  event_active(stop_event_, 0, 0);  // on_stop runs on the loop thread
  loop_.join();
  event_free(stop_event_);
  event_base_free(base_);
}

void events_engine::on_stop(evutil_socket_t, short, void* self) {
  auto* engine = static_cast<events_engine*>(self);
  // Cut every request still pending, then let evhttp_free close the
  // connections and free the requests (libevent owns them).
  for (auto* op : std::unordered_set(engine->pending_)) engine->finish(op, false);
  evhttp_free(engine->http_);
  event_base_loopbreak(engine->base_);
}

bufferevent* events_engine::on_connection(event_base* base, void* self) {
  auto* bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  auto& accepted = static_cast<events_engine*>(self)->accepted_;
  // Connections that close without a request leave an entry behind; the
  // address is reused by the next connection, and this bounds the rest.
  if (accepted.size() > 65536) accepted.clear();
  accepted[bev] = clock::now();
  return bev;
}

void events_engine::on_request(evhttp_request* req, void* self) {
  auto* engine = static_cast<events_engine*>(self);
  auto* connection = evhttp_request_get_connection(req);

  request in{
      method_name(evhttp_request_get_command(req)), evhttp_request_get_uri(req), {}, ""};
  const auto* headers = evhttp_request_get_input_headers(req);
  for (const auto* h = headers->tqh_first; h != nullptr; h = h->next.tqe_next)
    in.headers.emplace_back(h->key, h->value);
  char* peer = nullptr;
  ev_uint16_t peer_port = 0;
  evhttp_connection_get_peer(connection, &peer, &peer_port);
  in.origin = peer != nullptr ? peer : "";

  // Queueing delay: accepted -> first request handled, as in the threads engine.
  std::optional<double> queue_ms;
  const auto it = engine->accepted_.find(evhttp_connection_get_bufferevent(connection));
  if (it != engine->accepted_.end()) {
    queue_ms =
        std::chrono::duration<double, std::milli>(clock::now() - it->second).count();
    engine->accepted_.erase(it);
  }

  auto* op = new pending{engine, req, route(in, engine->stats_, engine->options_),
                         queue_ms.value_or(0)};
  if (op->plan.counted) engine->stats_.begin(op->plan.route, queue_ms);
  engine->pending_.insert(op);
  evhttp_connection_set_closecb(connection, on_client_closed, op);

  // evhttp stops reading a connection while its request is pending, so it
  // would not notice the client leave (libevent issues #78, #666). We watch
  // for the FIN ourselves (EV_CLOSED: epoll's EPOLLRDHUP; elsewhere it never
  // fires and the request ends when its delay does).
  if (op->plan.hang || op->plan.delay.count() > 0 || op->plan.drip.count() > 0) {
    const auto fd = bufferevent_getfd(evhttp_connection_get_bufferevent(connection));
    op->watch = event_new(engine->base_, fd, EV_CLOSED, on_client_fin, op);
    event_add(op->watch, nullptr);
  }

  if (op->plan.hang) return;  // only the client leaving, or a stop, ends it
  if (op->plan.delay.count() == 0) return engine->answer(op);
  engine->schedule(op, op->plan.delay);
}

void events_engine::schedule(pending* op, std::chrono::microseconds after) {
  if (op->timer == nullptr) op->timer = evtimer_new(base_, on_timer, op);
  const auto when = to_timeval(after);
  evtimer_add(op->timer, &when);
}

void events_engine::on_timer(evutil_socket_t, short, void* arg) {
  auto* op = static_cast<pending*>(arg);
  if (op->dripping) return op->engine->drip_next(op);
  op->engine->answer(op);
}

void events_engine::answer(pending* op) {
  auto* out = evhttp_request_get_output_headers(op->req);
  evhttp_add_header(out, "Content-Type", op->plan.content_type.c_str());
  evhttp_add_header(out, "Server-Timing", server_timing(op->queue_ms, op->plan).c_str());
  if (op->plan.drip.count() > 0) {
    // Content-Length up front, so evhttp streams the body without chunking.
    evhttp_add_header(out, "Content-Length",
                      std::to_string(op->plan.body.size()).c_str());
    evhttp_send_reply_start(op->req, op->plan.status, nullptr);
    op->dripping = true;
    return schedule(op, op->plan.drip / op->plan.drip_chunks);
  }
  auto* body = evbuffer_new();
  evbuffer_add(body, op->plan.body.data(), op->plan.body.size());
  auto* req = op->req;
  const int status = op->plan.status;
  finish(op, false);  // detaches our close callback before libevent may close
  evhttp_send_reply(req, status, nullptr, body);
  evbuffer_free(body);
}

// One piece of a /drip body; the last one ends the reply.
void events_engine::drip_next(pending* op) {
  const auto& body = op->plan.body;
  const auto chunk = (body.size() + op->plan.drip_chunks - 1) / op->plan.drip_chunks;
  const auto n = std::min(chunk, body.size() - op->sent);
  auto* piece = evbuffer_new();
  evbuffer_add(piece, body.data() + op->sent, n);
  evhttp_send_reply_chunk(op->req, piece);
  evbuffer_free(piece);
  op->sent += n;
  if (op->sent < body.size()) return schedule(op, op->plan.drip / op->plan.drip_chunks);
  auto* req = op->req;
  finish(op, false);
  evhttp_send_reply_end(req);
}

void events_engine::on_client_fin(evutil_socket_t, short, void* arg) {
  auto* op = static_cast<pending*>(arg);
  op->client_left = true;
  // Freeing the connection calls on_client_closed, which finishes `op`.
  evhttp_connection_free(evhttp_request_get_connection(op->req));
}

void events_engine::on_client_closed(evhttp_connection*, void* arg) {
  auto* op = static_cast<pending*>(arg);
  // Either libevent saw the client leave and detached the request, leaving it
  // to us to free; or the connection is being freed (on_client_fin, or a stop)
  // and libevent frees the still-attached request right after this callback.
  const bool detached = evhttp_request_get_connection(op->req) == nullptr;
  auto* req = op->req;
  op->engine->finish(op, /*abandoned=*/detached || op->client_left);
  if (detached) evhttp_request_free(req);
}

void events_engine::finish(pending* op, bool abandoned) {
  if (auto* connection = evhttp_request_get_connection(op->req))
    evhttp_connection_set_closecb(connection, nullptr, nullptr);
  if (op->timer != nullptr) event_free(op->timer);
  if (op->watch != nullptr) event_free(op->watch);
  if (op->plan.counted) stats_.end(abandoned);
  pending_.erase(op);
  delete op;
}

}  // namespace

std::unique_ptr<server::engine> make_events_engine(const server_options& options) {
  return std::make_unique<events_engine>(options);
}

}  // namespace inflight::mock
