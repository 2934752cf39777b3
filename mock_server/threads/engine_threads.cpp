// The threads engine: one thread accepts, and a thread per connection serves
// it in blocking style (threads_connection.cpp), up to --threads; past that,
// connections wait for a thread. The server-side mirror of chapter 02: simple
// to read, and its cost is the lesson, a thread (and its stack) for every
// client that is merely waiting.
//
// It owns its connection loop rather than use cpp-httplib, whose compiled
// Debian build fixes what this server must control (the backlog, a whole-head
// timeout, pipelining, half-closed clients: mock_server/DETAILS.md says which),
// and it reads the head with the events engine's parser (http_head.cpp), so
// both engines refuse the same requests the same way.
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <thread>

#include "mock_server/core/engine.hpp"
#include "mock_server/core/routes.hpp"
#include "mock_server/core/sockets.hpp"
#include "mock_server/threads/thread_pool.hpp"
#include "mock_server/threads/threads_connection.hpp"

namespace inflight::mock {
namespace {

// glibc serves an allocation past its mmap threshold (128 KiB) with mmap()
// and gives it back on free(), but it raises the threshold to the largest
// block freed so far: after one 10 MiB answer, the next ones come from the
// worker threads' arenas, whose freed tops stay resident (even malloc_trim()
// leaves them), so a burst of large answers would stay resident for good. A
// fixed threshold keeps large answers mapped, and returned, on their own.
// Process-wide: in a chapter's process it only affects blocks of 1 MiB+.
void return_large_blocks_to_the_system() {
  static std::once_flag once;
  std::call_once(once, [] { ::mallopt(M_MMAP_THRESHOLD, 1024 * 1024); });
}

// The most connections the process's descriptors allow, less room for what
// else it opens: the listening socket, logs, an embedding chapter's own
// sockets, a sanitizer's pipes. Past it a connection gets the same 503 as past
// max_connections, instead of accept() failing with EMFILE and every other
// open() in the process failing with it.
int descriptor_cap(int max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return max_connections;
  const auto soft = static_cast<long>(limit.rlim_cur);
  const auto room = std::max<long>(16, soft / 8);
  return static_cast<int>(std::clamp<long>(soft - room, 1, max_connections));
}

class threads_engine final : public server::engine {
 public:
  explicit threads_engine(const server_options& options)
      : engine(options, "threads"),
        listen_fd_(listen_on(options_)),
        port_(port_of(listen_fd_)),
        pool_(options_.threads, stats_, options_.quiet,
              [this](int fd, const std::string& origin, double queue_ms) {
                serve(fd, origin, queue_ms);
              }),
        acceptor_([this] { accept_loop(); }) {
    return_large_blocks_to_the_system();
  }

  ~threads_engine() override { stop(); }
  threads_engine(const threads_engine&) = delete;
  threads_engine& operator=(const threads_engine&) = delete;

  [[nodiscard]] int port() const override { return port_; }

  void stop() override {
    const std::scoped_lock lock(stop_mutex_);
    if (!acceptor_.joinable()) return;
    stop_.raise();     // wakes the acceptor and every waiting connection
    acceptor_.join();  // no new connections from here on
    ::close(listen_fd_);
    pool_.shutdown();  // requests in flight answer 503 and close; joins
  }

 private:
  void accept_loop();
  void accept_queued();
  void admit(int fd, const sockaddr_storage& peer);
  void refuse(int fd);
  void serve(int fd, const std::string& origin, double queue_ms) {
    serve_connection(fd, origin, queue_ms, context_);
    --connections_;
    // The address first: once /stats counts a connection closed, its
    // address's share is back.
    stats_.client_disconnected(origin);
    stats_.connection_closed();
  }

  // Declaration order is the order of construction: the pool's workers use
  // context_, declared after it, but no connection reaches them before the
  // acceptor starts, last; and the destructor's stop() joins the acceptor and
  // the workers before any member is destroyed.
  const server_limits& limits_ = options_.limits;
  stop_signal stop_;
  answer_budget budget_{limits_.max_bytes_in_flight};
  int listen_fd_;
  int port_;
  const int max_connections_ = descriptor_cap(limits_.max_connections);
  std::atomic<int> connections_{0};
  bool said_limit_ = false;  // logged the descriptor limit once (acceptor only)
  connection_pool pool_;
  connection_context context_{options_, limits_,
                              stats_,   stop_,
                              budget_,  [this] { return pool_.others_waiting(); }};
  std::mutex stop_mutex_;
  std::thread acceptor_;
};

void threads_engine::accept_loop() {
  while (wait_on(listen_fd_, POLLIN, steady::time_point::max(), stop_) == woken::ready) {
    try {
      accept_queued();
    } catch (...) {
      // Nothing may end this thread but a stop: std::terminate would take
      // every request in flight with it. (A bug, or std::bad_alloc.)
      stats_.note_internal_error();
    }
  }
}

void threads_engine::accept_queued() {
  for (;;) {  // every connection already queued, then back to waiting
    // The address as accepted: a client that resets at once has no peer name
    // later, and its connection must be counted and uncounted under it.
    sockaddr_storage peer{};
    socklen_t peer_size = sizeof peer;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_size,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && (errno == EINTR || errno == ECONNABORTED)) continue;
    if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
      // Something else in the process took the descriptors. The connection
      // stays queued and poll() would report it again at once: a spinning
      // core. Wait a little instead; it is accepted once one is free.
      if (!said_limit_ && !options_.quiet) say_cannot_accept(errno);
      said_limit_ = true;
      wait_on(stop_.fd(), 0, steady::now() + accept_back_off, stop_);
    }
    if (fd < 0) break;  // EAGAIN: none left
    try {
      admit(fd, peer);
    } catch (...) {  // admit() throws only while the socket is still ours
      stats_.note_internal_error();
      ::close(fd);
    }
  }
}

// Queues the connection for a thread, or refuses it over a limit.
void threads_engine::admit(int fd, const sockaddr_storage& peer) {
  // Answers go out whole, head and body in one write: with Nagle's algorithm
  // on, the second answer on a keep-alive connection would wait for the
  // client's delayed ACK.
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (connections_ >= max_connections_) return refuse(fd);
  const auto origin = peer_address(reinterpret_cast<const sockaddr*>(&peer));
  if (!stats_.client_connected(origin)) {  // serving a room: its share is held
    stats_.note_refused();
    return refuse_connection(fd, 503, stats_.refused_connection(origin));
  }
  ++connections_;
  stats_.connection_opened();
  try {
    pool_.enqueue(fd, origin);
  } catch (...) {  // not queued: counted back, and the socket is still ours
    --connections_;
    stats_.client_disconnected(origin);
    stats_.connection_closed();
    throw;
  }
}

void threads_engine::refuse(int fd) {
  // A cap set by the descriptors, not by max_connections, is worth a line.
  const bool descriptors = max_connections_ < limits_.max_connections;
  if (descriptors && !said_limit_ && !options_.quiet)
    std::fprintf(stderr,
                 "mock_server: cannot accept connections past %d: that is what ulimit -n "
                 "leaves; new ones get a 503 JSON until some close. Said once.\n",
                 max_connections_);
  said_limit_ = said_limit_ || descriptors;
  stats_.note_refused();
  refuse_connection(fd, 503, too_many_connections(max_connections_));
}

}  // namespace

std::unique_ptr<server::engine> make_threads_engine(const server_options& options) {
  return std::make_unique<threads_engine>(options);
}

}  // namespace inflight::mock
