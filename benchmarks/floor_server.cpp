// floor_server: a delay server with no HTTP library, for the benchmarks' floor
// rows only (the project's server is mock_server/). One thread, one epoll set
// and a deadline queue: GET /delay/S is answered S seconds after it arrived,
// then the connection closes. It knows three routes and trusts its clients:
// no keep-alive, no request bodies, every answer sent in one write.
//   floor_server [--port N]      N = 0 (the default): any free port
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "mock_server/core/percentile.hpp"  // /stats computed as mock_server's

namespace {

using inflight::mock::percentile;

using steady = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::size_t max_head = 8192;       // a larger request head gets a 400
constexpr double max_delay_s = 60;           // longer than any benchmark asks for
constexpr std::size_t max_samples = 100000;  // lateness samples kept for /stats

int checked(int result, const char* call) {
  if (result < 0)
    throw std::runtime_error(std::string(call) + ": " + std::strerror(errno));
  return result;
}

struct client {
  std::string head;      // the request so far: it may arrive in pieces
  bool waiting = false;  // its /delay answer is in the queue: counted in flight
  double delay_s = 0;
  std::multimap<steady::time_point, int>::iterator due;
};

class floor_server {
 public:
  explicit floor_server(int port) {
    const int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto* any = reinterpret_cast<sockaddr*>(&address);
    checked(bind(listener_, any, sizeof address), "bind");
    // The kernel caps the backlog at net.core.somaxconn (4096 since Linux 5.4).
    checked(listen(listener_, 65535), "listen");
    socklen_t size = sizeof address;
    checked(getsockname(listener_, any, &size), "getsockname");
    port_ = ntohs(address.sin_port);
    // SIGTERM and SIGINT arrive as a readable descriptor, in the same loop.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, nullptr);
    signals_ = checked(signalfd(-1, &stop, SFD_CLOEXEC), "signalfd");
    watch(listener_);
    watch(signals_);
  }
  ~floor_server() {
    for (const auto& [fd, c] : clients_) close(fd);
    for (const int fd : {listener_, signals_, epoll_}) close(fd);
  }
  floor_server(const floor_server&) = delete;
  floor_server& operator=(const floor_server&) = delete;

  [[nodiscard]] int port() const { return port_; }

  void run() {  // until SIGTERM or SIGINT
    std::array<epoll_event, 512> ready{};
    for (;;) {
      // Until the earliest answer is due, in whole milliseconds rounded up so
      // we never wake early: up to 1 ms of the measured lateness is this.
      int wait_ms = -1;  // nothing due: sleep until a socket or a signal wakes us
      if (!due_.empty()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            due_.begin()->first - steady::now());
        wait_ms = static_cast<int>(std::max<long>(left.count(), 0));
      }
      const int n =
          epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), wait_ms);
      if (n < 0 && errno != EINTR) checked(n, "epoll_wait");
      for (int k = 0; k < n; ++k) {
        const int fd = ready[k].data.fd;
        if (fd == signals_) return;
        if (fd == listener_) {
          accept_all();
        } else {
          read_from(fd);
        }
      }
      answer_due();
    }
  }

 private:
  void watch(int fd) {
    epoll_event want{};
    want.events = EPOLLIN;
    want.data.fd = fd;
    checked(epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &want), "epoll_ctl");
  }

  void accept_all() {
    // Simplification: out of descriptors (EMFILE), a connection waits in the
    // backlog and epoll reports the listener again at once, so this loop spins
    // until a descriptor is free; a real server would stop listening or shed
    // load. The benchmarks raise the limit to fit first.
    for (int fd; (fd = accept4(listener_, nullptr, nullptr,
                               SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
      watch(fd);
      clients_.emplace(fd, client{});
    }
  }

  void read_from(int fd) {
    const auto found = clients_.find(fd);
    if (found == clients_.end()) return;  // closed earlier in this batch of events
    client& c = found->second;
    std::array<char, 4096> buffer;
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) return drop(fd);  // the client left (or reset) before its answer
    if (c.waiting) return;        // bytes after the request: Connection: close
    c.head.append(buffer.data(), static_cast<std::size_t>(n));
    if (c.head.find("\r\n\r\n") != std::string::npos) return on_request(fd, c);
    if (c.head.size() > max_head) reply(fd, 400, {{"error", "request head over 8 KiB"}});
  }

  void on_request(int fd, client& c) {
    // "GET /delay/1 HTTP/1.1": method, one space, target, one space, version.
    const std::string line = c.head.substr(0, c.head.find("\r\n"));
    const auto a = line.find(' '), b = line.rfind(' ');
    if (a == std::string::npos || a == b || line.compare(b + 1, 7, "HTTP/1.") != 0)
      return reply(fd, 400, {{"error", "malformed request line: " + line}});
    const std::string method = line.substr(0, a), path = line.substr(a + 1, b - a - 1);
    if (method == "GET" && path == "/stats") return reply(fd, 200, stats());
    if (method == "POST" && path == "/stats/reset") {
      served_ = 0;
      peak_ = in_flight_;  // as mock_server: the peak restarts from those in flight
      late_ms_.clear();
      return reply(fd, 200, {{"reset", true}});
    }
    if (method != "GET" || path.rfind("/delay/", 0) != 0)
      return reply(fd, 404,
                   {{"error", "no route for " + method + " " + path +
                                  " (try GET /delay/{seconds}, GET /stats)"}});
    const std::string text = path.substr(7);
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() ||
        !(seconds >= 0 && seconds <= max_delay_s))  // also refuses nan and inf
      return reply(fd, 400, {{"error", "delay must be 0 to 60 seconds, not " + text}});
    const auto after = std::chrono::duration_cast<steady::duration>(
        std::chrono::duration<double>(seconds));
    c.head.clear();
    c.waiting = true;
    c.delay_s = seconds;
    c.due = due_.emplace(steady::now() + after, fd);
    peak_ = std::max(peak_, ++in_flight_);
  }

  // The deadline queue, earliest first: answer everything whose time has come,
  // and measure how late each answer is (the loop's own queueing delay).
  void answer_due() {
    // The clock is read again for every answer: the time spent sending the
    // earlier ones in this pass is lateness too (this loop's own queueing).
    for (auto now = steady::now(); !due_.empty() && due_.begin()->first <= now;
         now = steady::now()) {
      const auto [due, fd] = *due_.begin();
      due_.erase(due_.begin());
      client& c = clients_.at(fd);
      c.waiting = false;
      --in_flight_;
      ++served_;
      if (late_ms_.size() < max_samples)
        late_ms_.push_back(std::chrono::duration<double, std::milli>(now - due).count());
      reply(fd, 200, {{"delay", c.delay_s}});
    }
  }

  json stats() const {
    const double max_ms =
        late_ms_.empty() ? 0 : *std::max_element(late_ms_.begin(), late_ms_.end());
    // queue_ms: how late answers left after their due time (mock_server's
    // queue_ms is accept-to-handled; both are the server's own delay).
    return {{"engine", "floor"},
            {"served", served_},
            {"in_flight", in_flight_},
            {"peak_in_flight", peak_},
            {"queue_ms",
             {{"p50", percentile(late_ms_, 50)},
              {"p99", percentile(late_ms_, 99)},
              {"max", max_ms},
              {"samples", late_ms_.size()}}}};
  }

  // Answers and closes. Simplification: one send, since answers are under
  // 1 KiB and the connection's send buffer is empty; a real server would
  // wait for EPOLLOUT to write the rest.
  void reply(int fd, int status, const json& body) {
    const char* reason = status == 200   ? "OK"
                         : status == 404 ? "Not Found"
                                         : "Bad Request";
    const std::string text = body.dump() + "\n";
    const std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                            "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(text.size()) +
                            "\r\nConnection: close\r\n\r\n" + text;
    send(fd, out.data(), out.size(), MSG_NOSIGNAL);  // a client gone: EPIPE, no signal
    drop(fd);
  }

  void drop(int fd) {
    const client& c = clients_.at(fd);
    if (c.waiting) {  // left before its answer: no longer in flight
      due_.erase(c.due);
      --in_flight_;
    }
    clients_.erase(fd);
    close(fd);  // also takes it out of the epoll set
  }

  int epoll_ = checked(epoll_create1(EPOLL_CLOEXEC), "epoll_create1");
  int listener_ =
      checked(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
  int signals_ = -1;
  int port_ = 0;
  std::unordered_map<int, client> clients_;
  std::multimap<steady::time_point, int> due_;  // when each answer is due -> its fd
  std::int64_t in_flight_ = 0, peak_ = 0;
  std::uint64_t served_ = 0;
  std::vector<double> late_ms_;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i < argc; i += 2) {
    const std::string arg = argv[i], value = i + 1 < argc ? argv[i + 1] : "";
    const bool digits = !value.empty() && value.size() <= 5 &&
                        value.find_first_not_of("0123456789") == std::string::npos;
    if (arg != "--port" || !digits || std::stoi(value) > 65535) {
      std::fprintf(stderr,
                   "floor_server: --port takes 0 to 65535 (0: any free port)\n"
                   "usage: floor_server [--port N]\n");
      return 2;
    }
    port = std::stoi(value);
  }
  // One descriptor per connection: take all the hard limit allows.
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  try {
    floor_server server(port);
    std::printf("listening on http://127.0.0.1:%d\n", server.port());
    std::fflush(stdout);
    server.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "floor_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
