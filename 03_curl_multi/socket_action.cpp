#include "03_curl_multi/socket_action.hpp"

#include <algorithm>
#include <utility>

#include "03_curl_multi/multi_handle.hpp"

namespace inflight::ch03 {

using clock = std::chrono::steady_clock;

socket_action_hook::socket_action_hook(CURLM* multi, poller& readiness)
    : multi_{multi}, readiness_{readiness} {
  check(curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket),
        "CURLMOPT_SOCKETFUNCTION");
  check(curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this), "CURLMOPT_SOCKETDATA");
  check(curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer),
        "CURLMOPT_TIMERFUNCTION");
  check(curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this), "CURLMOPT_TIMERDATA");
}

socket_action_hook::~socket_action_hook() {
  // Setting a function pointer option cannot fail; nothing to check here.
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, nullptr);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, nullptr);
}

// [snippet:callbacks]
// libcurl: "watch this socket for IN/OUT", or "forget it" (CURL_POLL_REMOVE).
int socket_action_hook::on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* self,
                                  void* /*socketp*/) {
  auto& hook = *static_cast<socket_action_hook*>(self);
  try {
    if (what == CURL_POLL_REMOVE) {
      hook.readiness_.forget(fd);
    } else {
      hook.readiness_.watch(fd, (what & CURL_POLL_IN) != 0, (what & CURL_POLL_OUT) != 0);
    }
    return 0;
  } catch (...) {  // not into libcurl's C frames: keep it, and say "failed"
    if (!hook.failure_) hook.failure_ = std::current_exception();
    return -1;
  }
}

// libcurl: "call me with CURL_SOCKET_TIMEOUT in timeout_ms" (-1: no timer).
// Nothing in here can throw.
int socket_action_hook::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto& hook = *static_cast<socket_action_hook*>(self);
  hook.deadline_.reset();
  if (timeout_ms >= 0)
    hook.deadline_ = clock::now() + std::chrono::milliseconds(timeout_ms);
  return 0;
}
// [/snippet]

int wait_ms_until(std::optional<clock::time_point> deadline) {
  if (!deadline) return 1000;  // no timer: wake once a second regardless
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(*deadline - clock::now());
  return static_cast<int>(std::clamp<long>(left.count(), 0, 1000));
}

int socket_action_hook::wait_ms() const {
  return wait_ms_until(deadline_);
}

void socket_action_hook::socket_ready(const readiness_event& e) {
  act(e.fd, (e.readable ? CURL_CSELECT_IN : 0) | (e.writable ? CURL_CSELECT_OUT : 0) |
                (e.error ? CURL_CSELECT_ERR : 0));
}

void socket_action_hook::timeout_if_due() {
  if (!deadline_ || clock::now() < *deadline_) return;
  deadline_.reset();  // curl sets a new one if it needs it
  act(CURL_SOCKET_TIMEOUT, 0);
}

// [snippet:act]
// fd with what it is ready for (CURL_CSELECT_IN/OUT/ERR), or
// CURL_SOCKET_TIMEOUT when curl's timer is due: curl does that socket's work.
void socket_action_hook::act(curl_socket_t fd, int flags) {
  int running = 0;
  const CURLMcode code = curl_multi_socket_action(multi_, fd, flags, &running);
  rethrow_if_failed();  // a callback's own exception says more than curl's code
  check(code, "curl_multi_socket_action");
}
// [/snippet]

void socket_action_hook::rethrow_if_failed() {
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace inflight::ch03
