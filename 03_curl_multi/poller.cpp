#include "03_curl_multi/poller.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#ifdef __linux__
#include <sys/epoll.h>
#include <unistd.h>
#endif

namespace inflight::ch03 {
namespace {

[[noreturn]] void fail(const char* call) {
  throw std::runtime_error(std::string(call) + ": " + std::strerror(errno));
}

// poll(): the kernel checks every watched descriptor on every call.
class poll_poller final : public poller {
 public:
  void watch(int fd, bool read, bool write) override {
    const auto events = static_cast<short>((read ? POLLIN : 0) | (write ? POLLOUT : 0));
    if (const auto it = index_.find(fd); it != index_.end()) {
      fds_[it->second].events = events;
      return;
    }
    index_[fd] = fds_.size();
    fds_.push_back(pollfd{fd, events, 0});
  }
  void forget(int fd) override {
    const auto it = index_.find(fd);
    if (it == index_.end()) return;
    const std::size_t gap = it->second;
    fds_[gap] = fds_.back();  // fill the gap with the last entry
    index_[fds_[gap].fd] = gap;
    fds_.pop_back();
    index_.erase(fd);
  }
  std::span<const readiness_event> wait(int timeout_ms) override {
    ready_.clear();
    if (::poll(fds_.data(), fds_.size(), timeout_ms) < 0 && errno != EINTR) fail("poll");
    for (const auto& p : fds_) {
      if (p.revents == 0) continue;
      ready_.push_back({p.fd, (p.revents & (POLLIN | POLLHUP)) != 0,
                        (p.revents & POLLOUT) != 0,
                        (p.revents & (POLLERR | POLLNVAL)) != 0});
    }
    return ready_;
  }

 private:
  std::vector<pollfd> fds_;
  std::unordered_map<int, std::size_t> index_;
  std::vector<readiness_event> ready_;
};

#ifdef __linux__
// epoll: the kernel keeps the watch list; a wait returns only what is ready.
class epoll_poller final : public poller {
 public:
  epoll_poller() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epoll_fd_ < 0) fail("epoll_create1");
  }
  ~epoll_poller() override { ::close(epoll_fd_); }
  epoll_poller(const epoll_poller&) = delete;
  epoll_poller& operator=(const epoll_poller&) = delete;

  void watch(int fd, bool read, bool write) override {
    epoll_event e{};
    e.events = (read ? EPOLLIN : 0U) | (write ? EPOLLOUT : 0U);
    e.data.fd = fd;
    // Remembering which descriptors are in the set saves a failed syscall per
    // new socket (one MOD that says ENOENT before the ADD).
    const auto i = static_cast<std::size_t>(fd);
    if (i >= watched_.size()) watched_.resize(i + 1, false);
    const int op = watched_[i] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(epoll_fd_, op, fd, &e) != 0) {
      // A descriptor closed behind our back left the set by itself, and its
      // number may be back as a new socket: add it again.
      if (op != EPOLL_CTL_MOD || errno != ENOENT ||
          ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e) != 0)
        fail("epoll_ctl");
    }
    watched_[i] = true;
  }
  void forget(int fd) override {
    const auto i = static_cast<std::size_t>(fd);
    if (i >= watched_.size() || !watched_[i]) return;
    watched_[i] = false;
    // curl may have closed the socket already, which removed it for us.
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  }
  std::span<const readiness_event> wait(int timeout_ms) override {
    const int n = ::epoll_wait(epoll_fd_, events_.data(),
                               static_cast<int>(events_.size()), timeout_ms);
    if (n < 0 && errno != EINTR) fail("epoll_wait");
    ready_.clear();
    for (int i = 0; i < n; ++i) {
      const auto& e = events_[static_cast<std::size_t>(i)];
      ready_.push_back({e.data.fd, (e.events & (EPOLLIN | EPOLLHUP)) != 0,
                        (e.events & EPOLLOUT) != 0, (e.events & EPOLLERR) != 0});
    }
    return ready_;
  }

 private:
  int epoll_fd_;
  std::vector<bool> watched_;  // by descriptor: in the epoll set
  std::vector<epoll_event> events_ = std::vector<epoll_event>(1024);
  std::vector<readiness_event> ready_;
};
#endif

}  // namespace

std::unique_ptr<poller> poller::make(backend preferred) {
#ifdef __linux__
  if (preferred == backend::epoll) return std::make_unique<epoll_poller>();
#endif
  return std::make_unique<poll_poller>();
}

}  // namespace inflight::ch03
