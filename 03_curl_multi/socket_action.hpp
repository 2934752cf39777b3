// curl_multi_socket_action's plumbing, hooked to a poller: what this
// chapter's socket_action driver and chapter 04's event loop share. libcurl
// says which sockets to watch (the socket callback) and when it next needs a
// timeout (the timer callback); the hook keeps both, and hands ready sockets
// and due timeouts back to curl_multi_socket_action.
//
// No exception crosses libcurl: it calls the callbacks from its own C frames.
// A callback that fails (the poller throws when epoll_ctl does) keeps the
// exception and returns -1, libcurl fails the call it was in, and the hook
// rethrows the kept exception on our side, once that call has returned.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <exception>
#include <optional>

#include "03_curl_multi/poller.hpp"

namespace inflight::ch03 {

// How long a wait may sleep before `deadline` (rounded up to a millisecond,
// so it never wakes early), at most 1 s; 1 s when there is no deadline.
int wait_ms_until(std::optional<std::chrono::steady_clock::time_point> deadline);

class socket_action_hook {
 public:
  // Hooks `multi`'s socket and timer callbacks to this object. `multi` and
  // `readiness` must outlive it: declare the hook after both.
  socket_action_hook(CURLM* multi, poller& readiness);
  // Unhooks. libcurl may call the socket callback for as long as it holds
  // connections, curl_multi_cleanup included (curl/curl#14860), so the hook
  // must go before the poller and this object do: after that, curl calls
  // nobody.
  ~socket_action_hook();
  socket_action_hook(const socket_action_hook&) = delete;
  socket_action_hook& operator=(const socket_action_hook&) = delete;

  // How long a wait may sleep before curl's timeout is due (at most 1 s).
  [[nodiscard]] int wait_ms() const;
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> deadline() const {
    return deadline_;
  }

  // A socket the poller reported: let curl read, write or fail it.
  void socket_ready(const readiness_event& e);
  // curl's timeout, if it is due: let curl start, retry or time out transfers.
  void timeout_if_due();
  // Rethrows what a callback kept during a call made outside the two above
  // (curl_multi_add_handle and curl_multi_remove_handle call them too).
  void rethrow_if_failed();

 private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void act(curl_socket_t fd, int flags);

  CURLM* multi_;
  poller& readiness_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::exception_ptr failure_;  // from a callback, rethrown on our side
};

}  // namespace inflight::ch03
