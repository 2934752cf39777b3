// The events engine: libevent on one thread, every delay a timer, no thread per
// request. The server-side mirror of chapters 03 and 04, and the engine that
// holds the chapters' 10,000 requests in flight without a thread for each.
//
// This file listens, accepts and stops; events_connection.cpp serves one
// connection. We parse HTTP ourselves (http_head.cpp) rather than use evhttp:
// libevent 2.1's evhttp answers its own errors as HTML, stops reading a
// connection while a request is pending (so a reset goes unnoticed, libevent
// issues #78 and #666) and has no whole-head timeout.
#include "mock_server/events/engine_events.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include <event2/thread.h>

#include "mock_server/core/sockets.hpp"

namespace inflight::mock {
namespace {

void quiet_log(int, const char*) {}

}  // namespace

events_engine::events_engine(const server_options& options) : engine(options, "events") {
  // stop() wakes the loop from another thread: libevent must be told to lock.
  static std::once_flag threads_enabled;
  std::call_once(threads_enabled, [] { evthread_use_pthreads(); });
  // libevent logs to stderr; we say what matters ourselves, once.
  event_set_log_callback(quiet_log);

  const int fd = listen_on(options_);
  port_ = port_of(fd);
  // A delay is never shorter than asked. By default libevent reads a coarse
  // clock (CLOCK_MONOTONIC_COARSE, a few ms a tick) when it is cheaper, and a
  // delay could end early by up to a tick. PRECISE_TIMER reads
  // CLOCK_MONOTONIC; NO_CACHE_TIME reads it again after each callback, so that
  // a timer armed late in a busy turn does not count from the turn's start.
  if (event_config* config = event_config_new()) {
    event_config_set_flag(config, EVENT_BASE_FLAG_PRECISE_TIMER);
    event_config_set_flag(config, EVENT_BASE_FLAG_NO_CACHE_TIME);
    base_ = event_base_new_with_config(config);
    event_config_free(config);
  }
  // Backlog 0: the socket listens already. Accepted sockets are nonblocking
  // and close-on-exec, like the listening one.
  if (base_ != nullptr)
    listener_ = evconnlistener_new(base_, on_accept, this,
                                   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
  if (listener_ == nullptr) {
    ::close(fd);
    if (base_ != nullptr) event_base_free(base_);
    throw std::runtime_error("libevent: out of memory");
  }
  evconnlistener_set_error_cb(listener_, on_accept_error);

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

void events_engine::on_stop(evutil_socket_t, short, void* self) noexcept {
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
                              void* self) noexcept {
  auto* engine = static_cast<events_engine*>(self);
  connection* c = nullptr;  // owns the socket once made
  try {                     // nothing may unwind into libevent's frames
    c = new_connection(*engine, fd, peer_address(address));
    engine->connections_.insert(c);
    start_connection(*c);
    // Over a limit: a 503 JSON, through the usual path, so that it lingers
    // and the client reads it instead of a reset (closing a socket with its
    // request unread resets the connection).
    const auto most = engine->options_.limits.max_connections;
    if (engine->connections_.size() > static_cast<std::size_t>(most))
      refuse_at_once(*c, too_many_connections(most));
    else if (!(c->client_counted = engine->stats_.client_connected(c->origin)))
      refuse_at_once(*c, engine->stats_.refused_connection(c->origin));
  } catch (...) {
    // Counted, and nothing stays behind: the connection goes whole, or the
    // socket alone when there was no connection yet.
    engine->stats_.note_internal_error();
    if (c != nullptr)
      engine->close(c);
    else
      ::close(fd);
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
  arm_timer(engine->resume_accepting_, accept_back_off);
  if (!engine->options_.quiet && !engine->said_out_of_descriptors_)
    say_cannot_accept(error);
  engine->said_out_of_descriptors_ = true;
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
