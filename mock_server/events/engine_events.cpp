// The events engine: libevent on one thread, every delay a timer, no thread per
// request. The server-side mirror of chapters 03 and 04, and the engine that
// holds 10,000 requests in flight on a few megabytes.
//
// This file listens, accepts and stops; events_connection.cpp serves one
// connection. We parse HTTP ourselves (http_head.cpp) rather than use evhttp:
// libevent 2.1's evhttp answers its own errors as HTML, stops reading a
// connection while a request is pending (so a reset goes unnoticed, libevent
// issues #78 and #666) and has no whole-head timeout.
#include "mock_server/events/engine_events.hpp"
#include "mock_server/threads/wait.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <event2/thread.h>

namespace inflight::mock {
namespace {

constexpr int listen_backlog = 4096;  // the kernel caps it at net.core.somaxconn
// At the descriptor limit accept() fails at once, every time the loop asks:
// a core spinning. We stop asking for this long instead.
constexpr timeval accept_back_off{0, 100'000};

void quiet_log(int, const char*) {}

}  // namespace

events_engine::events_engine(const server_options& options) : engine(options, "events") {
  // stop() wakes the loop from another thread: libevent must be told to lock.
  static std::once_flag threads_enabled;
  std::call_once(threads_enabled, [] { evthread_use_pthreads(); });
  // libevent logs to stderr; we say what matters ourselves, once.
  event_set_log_callback(quiet_log);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto port_text = std::to_string(options_.port);
  if (getaddrinfo(options_.host.c_str(), port_text.c_str(), &hints, &found) != 0)
    throw std::runtime_error(listen_error(options_, EADDRNOTAVAIL));

  // A delay is never shorter than asked. By default libevent reads a coarse
  // clock (CLOCK_MONOTONIC_COARSE, a few ms a tick) when it is cheaper, and a
  // delay could end early by up to a tick. PRECISE_TIMER reads
  // CLOCK_MONOTONIC; NO_CACHE_TIME reads it again after each callback, so that
  // a timer armed late in a busy turn does not count from the turn's start.
  event_config* config = event_config_new();
  if (config == nullptr) throw std::runtime_error("libevent: out of memory");
  event_config_set_flag(config, EVENT_BASE_FLAG_PRECISE_TIMER);
  event_config_set_flag(config, EVENT_BASE_FLAG_NO_CACHE_TIME);
  base_ = event_base_new_with_config(config);
  event_config_free(config);
  if (base_ == nullptr) throw std::runtime_error("libevent: out of memory");
  errno = 0;
  listener_ = evconnlistener_new_bind(
      base_, on_accept, this,
      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, listen_backlog,
      found->ai_addr, static_cast<int>(found->ai_addrlen));
  const int error = errno;
  freeaddrinfo(found);
  if (listener_ == nullptr) {
    event_base_free(base_);
    throw std::runtime_error(listen_error(options_, error));
  }
  evconnlistener_set_error_cb(listener_, on_accept_error);

  sockaddr_storage address{};
  socklen_t size = sizeof address;
  ::getsockname(evconnlistener_get_fd(listener_), reinterpret_cast<sockaddr*>(&address),
                &size);
  port_ = ntohs(address.ss_family == AF_INET6
                    ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                    : reinterpret_cast<sockaddr_in&>(address).sin_port);

  resume_accepting_ = evtimer_new(base_, on_resume_accepting, this);
  stop_event_ = event_new(base_, -1, 0, on_stop, this);
  loop_ = std::thread([this] { event_base_dispatch(base_); });
}

void events_engine::stop() {
  const std::scoped_lock lock(stop_mutex_);
  if (!loop_.joinable()) return;
  event_active(stop_event_, 0, 0);  // on_stop runs on the loop thread
  loop_.join();
  event_free(stop_event_);
  event_free(resume_accepting_);
  event_base_free(base_);
}

void events_engine::on_stop(evutil_socket_t, short, void* self) {
  auto* engine = static_cast<events_engine*>(self);
  // Cut every request still under way, close every connection, stop listening.
  // (Not over a copy of the set: copying may throw, and this is a C callback.)
  while (!engine->connections_.empty()) {
    auto* c = *engine->connections_.begin();
    cut_for_stop(*c);
    engine->close(c);  // erases it
  }
  evconnlistener_free(engine->listener_);
  event_base_loopbreak(engine->base_);
}

void events_engine::on_accept(evconnlistener*, evutil_socket_t fd, sockaddr* address, int,
                              void* self) {
  auto* engine = static_cast<events_engine*>(self);
  try {  // nothing may unwind into libevent's frames
    auto* c = start_connection(*engine, fd, peer_address(address));
    if (c == nullptr) {  // libevent is out of memory
      engine->stats_.note_refused();
      ::close(fd);
      return;
    }
    engine->connections_.insert(c);
    // Over the limit: a 503 JSON, through the usual path, so that it lingers
    // and the client reads it instead of a reset (closing a socket with its
    // request unread resets the connection).
    const auto most = static_cast<std::size_t>(engine->options_.limits.max_connections);
    if (engine->connections_.size() > most)
      refuse_at_once(*c, "too many connections (this server's limit is " +
                             std::to_string(most) + "); try again later");
    else if (!(c->client_counted = engine->stats_.client_connected(c->origin)))
      refuse_at_once(*c,
                     too_many_from(c->origin, engine->stats_.shares_allowance(c->origin),
                                   engine->options_.limits));
  } catch (...) {
    engine->stats_.note_internal_error();
  }
}

// accept() failed for a reason other than "nothing to accept". Out of
// descriptors (EMFILE, ENFILE) or memory, the connection waits in the
// listen backlog while we back off, instead of failing again at once.
void events_engine::on_accept_error(evconnlistener* listener, void* self) {
  auto* engine = static_cast<events_engine*>(self);
  const int error = errno;
  if (error != EMFILE && error != ENFILE && error != ENOBUFS && error != ENOMEM) return;
  evconnlistener_disable(listener);
  evtimer_add(engine->resume_accepting_, &accept_back_off);
  if (!engine->options_.quiet && !engine->said_out_of_descriptors_) {
    engine->said_out_of_descriptors_ = true;
    std::fprintf(stderr,
                 "mock_server: cannot accept connections: %s (raise ulimit -n); "
                 "new ones wait, retried every 100 ms. Said once.\n",
                 std::strerror(error));
  }
}

void events_engine::on_resume_accepting(evutil_socket_t, short, void* self) {
  evconnlistener_enable(static_cast<events_engine*>(self)->listener_);
}

std::size_t events_engine::budget_left(const connection& c) const {
  const auto left = budget_left();
  if (options_.limits.max_bytes_per_client == 0) return left;
  return std::min(left, stats_.client_bytes_left(c.origin));
}

bool events_engine::reserve(connection& c, std::size_t bytes) {
  if (bytes_in_flight_ + bytes > options_.limits.max_bytes_in_flight) return false;
  if (options_.limits.max_bytes_per_client > 0 &&
      !stats_.take_client_bytes(c.origin, bytes))
    return false;
  bytes_in_flight_ += bytes;
  c.held += bytes;
  return true;
}

void events_engine::release(connection& c, std::size_t bytes) {
  bytes = std::min(bytes, c.held);
  c.held -= bytes;
  bytes_in_flight_ -= bytes;
  if (options_.limits.max_bytes_per_client > 0 && bytes > 0)
    stats_.give_back_client_bytes(c.origin, bytes);
}

std::unique_ptr<server::engine> make_events_engine(const server_options& options) {
  return std::make_unique<events_engine>(options);
}

}  // namespace inflight::mock
