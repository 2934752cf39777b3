// The raw client: one socket per URL, one epoll set, and three steps per
// socket: connect, send the request, read to EOF (Connection: close ends the
// answer). What a library would add on top is exactly what this measures.
#include "benchmarks/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "harness/fd_limit.hpp"
#include "harness/process_stats.hpp"
#include "harness/text.hpp"

namespace inflight::bench {
namespace {

using harness::request_record;

std::string os_error(const char* call, int code = errno) {
  return std::string(call) + ": " + std::strerror(code);
}

// Closes its descriptor when it goes, so an exception cannot leak 10,000.
class owned_fd {
 public:
  owned_fd() = default;
  explicit owned_fd(int fd) : fd_(fd) {}
  owned_fd(owned_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  owned_fd& operator=(owned_fd&&) = delete;
  ~owned_fd() { reset(); }
  [[nodiscard]] int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);  // closing also takes it out of the epoll set
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Where a URL points, and the whole request that asks for it.
struct target {
  sockaddr_in address{};
  std::string request;
};

target parse_url(const std::string& url) {
  const std::invalid_argument wrong(
      "fetch_all_raw takes numeric IPv4 URLs like http://127.0.0.1:8080/delay/1 "
      "(it has no DNS and no TLS); got \"" +
      url + "\"");
  const std::string scheme = "http://";
  const auto colon = url.find(':', scheme.size());
  const auto slash = url.find('/', scheme.size());
  if (url.rfind(scheme, 0) != 0 || colon >= slash || slash == std::string::npos)
    throw wrong;
  const std::string host = url.substr(scheme.size(), colon - scheme.size());
  const std::string port = url.substr(colon + 1, slash - colon - 1);
  target t;
  t.address.sin_family = AF_INET;
  if (inet_pton(AF_INET, host.c_str(), &t.address.sin_addr) != 1) throw wrong;
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
      std::stoi(port) > 65535)
    throw wrong;
  t.address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
  t.request = "GET " + url.substr(slash) + " HTTP/1.1\r\nHost: " + host + ":" + port +
              "\r\nConnection: close\r\n\r\n";
  return t;
}

enum class step { connecting, sending, reading, done };

struct connection {
  owned_fd socket;
  step at = step::connecting;
  std::size_t sent = 0;  // bytes of the request written so far
  std::string head;      // the answer up to its blank line
  bool head_complete = false;
};

// The verdict on a finished answer: "" for 200, else why not.
std::string verdict(const connection& c, request_record& r) {
  if (!c.head_complete)
    return c.head.empty() ? "connection closed with no answer"
                          : "connection closed in the middle of the headers";
  // "HTTP/1.1 200 OK": the code is the three digits after the first space.
  const auto line = c.head.substr(0, c.head.find("\r\n"));
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12 || line[8] != ' ' ||
      line.find_first_not_of("0123456789", 9) < 12)
    return "malformed status line: " + line;
  r.status = std::stol(line.substr(9, 3));
  if (r.status != 200) return "HTTP " + std::to_string(r.status);
  // A body cut short is a failure, as curl reports it (a partial transfer).
  // Our servers always send Content-Length; a head without one is not checked.
  std::string lower(c.head.size(), '\0');
  std::transform(c.head.begin(), c.head.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  const auto field = lower.find("\r\ncontent-length:");
  if (field == std::string::npos) return "";
  const auto value =
      c.head.substr(field + 17, c.head.find("\r\n", field + 2) - field - 17);
  const auto expected = std::strtoull(value.c_str(), nullptr, 10);
  if (r.bytes != expected)
    return "body cut short: " + std::to_string(r.bytes) + " of " +
           std::to_string(expected) + " bytes";
  return "";
}

class raw_batch {
 public:
  raw_batch(const std::vector<std::string>& urls, const harness::run_clock& clock)
      : clock_(clock), records_(urls.size()), connections_(urls.size()) {
    // errno read right after the call: parsing the URLs below may change it.
    if (epoll_.get() < 0) throw std::runtime_error(os_error("epoll_create1"));
    for (const auto& url : urls) targets_.push_back(parse_url(url));  // may throw
    for (std::size_t i = 0; i < urls.size(); ++i) {
      records_[i].index = i;
      records_[i].url = urls[i];
    }
  }

  std::vector<request_record> run(double timeout_s) {
    for (std::size_t i = 0; i < targets_.size(); ++i) start(i);
    std::array<epoll_event, 512> ready{};
    double last_progress = clock_.now_s();
    while (finished_ < targets_.size()) {
      const double idle_s = clock_.now_s() - last_progress;
      if (idle_s >= timeout_s) {
        for (std::size_t i = 0; i < targets_.size(); ++i)
          if (connections_[i].at != step::done)
            finish(i, "timeout: nothing arrived for " +
                          harness::format_number(timeout_s) + " s");
        break;
      }
      const double wait_ms = std::ceil((timeout_s - idle_s) * 1000);
      const int n = epoll_wait(epoll_.get(), ready.data(), static_cast<int>(ready.size()),
                               static_cast<int>(std::min(wait_ms, 1e9)));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(os_error("epoll_wait"));
      if (n > 0) last_progress = clock_.now_s();
      for (int k = 0; k < n; ++k) advance(ready[k].data.u64);
    }
    return std::move(records_);
  }

 private:
  // A non-blocking connect: it returns at once, and the socket turns
  // writable when the handshake is done (or has failed).
  void start(std::size_t i) {
    records_[i].start_s = clock_.now_s();
    records_[i].connections = 1;  // a new connection for every request
    connection& c = connections_[i];
    c.socket.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (c.socket.get() < 0) return finish(i, os_error("socket"));
    const int one = 1;  // as curl does, so the two clients send alike
    setsockopt(c.socket.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto* address = reinterpret_cast<const sockaddr*>(&targets_[i].address);
    if (::connect(c.socket.get(), address, sizeof(sockaddr_in)) != 0 &&
        errno != EINPROGRESS)
      return finish(i, os_error("connect"));
    epoll_event want{};
    want.events = EPOLLOUT;
    want.data.u64 = i;  // the index, not the fd: fds are reused once closed
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c.socket.get(), &want) != 0)
      finish(i, os_error("epoll_ctl"));
  }

  void advance(std::size_t i) {
    connection& c = connections_[i];
    const int fd = c.socket.get();
    if (c.at == step::connecting) {
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0) return finish(i, os_error("connect", error));
      c.at = step::sending;
    }
    if (c.at == step::sending) {
      const std::string& request = targets_[i].request;
      // MSG_NOSIGNAL: a server that already left gives EPIPE, not SIGPIPE.
      const ssize_t n =
          ::send(fd, request.data() + c.sent, request.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN) return finish(i, os_error("send"));
      if (n > 0) c.sent += static_cast<std::size_t>(n);
      if (c.sent < request.size()) return;  // the rest when writable again
      c.at = step::reading;
      epoll_event want{};
      want.events = EPOLLIN;
      want.data.u64 = i;
      if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &want) != 0)
        return finish(i, os_error("epoll_ctl"));
      return;
    }
    std::array<char, 4096> buffer;
    for (;;) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n == 0) return finish(i, verdict(c, records_[i]));  // EOF: the answer ended
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // more to come
        return finish(i, os_error("recv"));
      }
      take(c, records_[i], {buffer.data(), static_cast<std::size_t>(n)});
    }
  }

  // Keeps the head, counts the rest as body bytes. Simplification: a chunked
  // answer's framing would count as body; our servers send Content-Length.
  static void take(connection& c, request_record& r, std::string_view bytes) {
    if (c.head_complete) {
      r.bytes += bytes.size();
      return;
    }
    c.head.append(bytes);
    const auto end = c.head.find("\r\n\r\n");
    if (end == std::string::npos) return;
    r.bytes = c.head.size() - (end + 4);
    c.head.resize(end);
    c.head_complete = true;
  }

  void finish(std::size_t i, std::string error) {
    request_record& r = records_[i];
    r.end_s = clock_.now_s();
    r.thread = harness::current_thread_id();
    r.error = std::move(error);
    connections_[i].socket.reset();
    connections_[i].at = step::done;
    ++finished_;
  }

  const harness::run_clock& clock_;
  owned_fd epoll_{epoll_create1(EPOLL_CLOEXEC)};
  std::vector<target> targets_;
  std::vector<request_record> records_;
  std::vector<connection> connections_;
  std::size_t finished_ = 0;
};

}  // namespace

std::vector<request_record> fetch_all_raw(const std::vector<std::string>& urls,
                                          double timeout_s,
                                          const harness::run_clock& clock) {
  raw_batch batch(urls, clock);  // checks every URL before any request starts
  harness::ensure_descriptors(harness::descriptors_needed(urls.size(), false));
  return batch.run(timeout_s);
}

}  // namespace inflight::bench
