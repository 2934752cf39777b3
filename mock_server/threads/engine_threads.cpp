// The threads engine: one thread accepts, and a thread per connection serves
// it in blocking style (threads_connection.cpp), up to --threads; past that,
// connections wait for a thread. The server-side mirror of chapter 02: simple
// to read, and its cost is the lesson, a thread (and its stack) for every
// client that is merely waiting.
//
// It owns its connection loop rather than use cpp-httplib, whose compiled
// Debian build fixes what this server must control (the backlog, a whole-head
// timeout, pipelining, half-closed clients: mock_server/README.md says which),
// and it reads the head with the events engine's parser (http_head.cpp), so
// both engines refuse the same requests the same way.
#include <malloc.h>
#include <netdb.h>
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
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "mock_server/core/engine.hpp"
#include "mock_server/core/routes.hpp"
#include "mock_server/threads/thread_pool.hpp"
#include "mock_server/threads/threads_connection.hpp"

namespace inflight::mock {
namespace {

// The kernel's queue of connections not yet accepted. A burst of 10,000
// connects must not overflow it: the accepting thread does nothing else, and
// past this the kernel drops SYNs (the client retries a second later).
constexpr int listen_backlog = 4096;

// Binds and listens on host:port (0: any free port); returns the socket.
int listen_on(const server_options& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto port = std::to_string(options.port);
  if (const int e = ::getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found))
    throw std::runtime_error("cannot listen on " + options.host + ":" + port + ": " +
                             ::gai_strerror(e));
  int error = 0;
  int fd = -1;
  for (auto* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    if (fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
        ::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, listen_backlog) == 0)
      break;
    error = errno;
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error(listen_error(options, error));
  return fd;
}

int port_of(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.ss_family == AF_INET6
                   ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                   : reinterpret_cast<sockaddr_in&>(address).sin_port);
}

// glibc serves an allocation past its mmap threshold (128 KiB) with mmap()
// and gives it back on free(), but it raises the threshold to the largest
// block freed so far: after one 10 MiB answer, the next ones come from the
// worker threads' arenas, whose freed tops stay resident (even malloc_trim()
// leaves them), so a burst of large answers stayed resident for good. A fixed
// threshold keeps large answers mapped, and returned, on their
// own. Process-wide: in a chapter's process it only affects blocks of 1 MiB+.
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
      if (!said_limit_ && !options_.quiet)
        std::fprintf(stderr,
                     "mock_server: cannot accept connections: %s (raise ulimit -n); "
                     "new ones wait, retried every 100 ms. Said once.\n",
                     std::strerror(errno));
      said_limit_ = true;
      wait_on(stop_.fd(), 0, steady::now() + std::chrono::milliseconds(100), stop_);
    }
    if (fd < 0) break;  // EAGAIN: none left
    // Answers go out whole, head and body in one write: with Nagle's
    // algorithm on, the second answer on a keep-alive connection waited for
    // the client's delayed ACK, ~40 ms.
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (connections_ >= max_connections_) {
      refuse(fd);
      continue;
    }
    auto origin = peer_address(reinterpret_cast<const sockaddr*>(&peer));
    if (!stats_.client_connected(origin)) {  // serving a room: its share is held
      stats_.note_refused();
      refuse_connection(fd, 503,
                        too_many_from(origin, stats_.shares_allowance(origin), limits_));
      continue;
    }
    ++connections_;
    stats_.connection_opened();
    pool_.enqueue(fd, std::move(origin));
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
  refuse_connection(fd, 503,
                    "too many connections (this server's limit is " +
                        std::to_string(max_connections_) + ")");
}

}  // namespace

std::unique_ptr<server::engine> make_threads_engine(const server_options& options) {
  return std::make_unique<threads_engine>(options);
}

}  // namespace inflight::mock
