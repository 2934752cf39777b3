// Step 2: curl_multi_socket_action. libcurl tells us which sockets to watch
// (socket callback) and when it next needs a timeout (timer callback); we wait
// with the OS's readiness API and hand back only the sockets that are ready.
// Each wake-up now costs O(ready), not O(all transfers): the design of every
// event loop that holds thousands of connections (curl's ephiperfifo.c).
#include <algorithm>
#include <chrono>

#include "03_curl_multi/drivers.hpp"

namespace inflight::ch03 {
namespace {

using clock = std::chrono::steady_clock;

struct loop_state {
  poller* readiness;
  std::optional<clock::time_point> deadline;  // when curl wants a timeout call
};

// [snippet:callbacks]
// libcurl: "watch this socket for IN/OUT", or "forget it" (CURL_POLL_REMOVE).
int on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* user, void* /*socketp*/) {
  auto& loop = *static_cast<loop_state*>(user);
  if (what == CURL_POLL_REMOVE) {
    loop.readiness->forget(fd);
  } else {
    loop.readiness->watch(fd, (what & CURL_POLL_IN) != 0, (what & CURL_POLL_OUT) != 0);
  }
  return 0;
}

// libcurl: "call me with CURL_SOCKET_TIMEOUT in timeout_ms" (-1: no timer).
int on_timer(CURLM* /*multi*/, long timeout_ms, void* user) {
  auto& loop = *static_cast<loop_state*>(user);
  loop.deadline =
      timeout_ms < 0
          ? std::nullopt
          : std::optional(clock::now() + std::chrono::milliseconds(timeout_ms));
  return 0;
}
// [/snippet]

// Unhooks the callbacks when the loop ends, even by an exception: the multi
// handle outlives this frame's loop_state.
struct unhook_callbacks {
  CURLM* multi;
  ~unhook_callbacks() {
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, nullptr);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, nullptr);
  }
};

int wait_ms(const loop_state& loop) {
  if (!loop.deadline) return 1000;  // no timer: wake once a second regardless
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(*loop.deadline - clock::now());
  return static_cast<int>(std::clamp<long>(left.count(), 0, 1000));
}

}  // namespace

// [snippet:socket_loop]
void run_with_socket_action(transfer_batch& batch, poller& readiness) {
  loop_state loop{&readiness, std::nullopt};
  CURLM* multi = batch.multi();
  check(curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket),
        "CURLMOPT_SOCKETFUNCTION");
  check(curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, &loop), "CURLMOPT_SOCKETDATA");
  check(curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer),
        "CURLMOPT_TIMERFUNCTION");
  check(curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &loop), "CURLMOPT_TIMERDATA");
  const unhook_callbacks unhook{multi};

  batch.start();  // adding handles sets a timer: the first timeout starts them
  int running = 0;
  while (!batch.done()) {
    for (const readiness_event& e : readiness.wait(wait_ms(loop))) {
      const int flags = (e.readable ? CURL_CSELECT_IN : 0) |
                        (e.writable ? CURL_CSELECT_OUT : 0) |
                        (e.error ? CURL_CSELECT_ERR : 0);
      check(curl_multi_socket_action(multi, e.fd, flags, &running), "socket_action");
    }
    if (loop.deadline && clock::now() >= *loop.deadline) {
      loop.deadline.reset();  // curl sets a new one if it needs it
      check(curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running),
            "socket_action");
    }
    batch.harvest();  // finished transfers out, the next ones in (the refill)
  }
}
// [/snippet]

std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               const settings& how,
                                               const harness::run_clock& clock) {
  transfer_batch batch(urls, how, clock);
  if (how.how == driver::poll) {
    run_with_poll(batch);
  } else {
    const auto readiness = poller::make();
    run_with_socket_action(batch, *readiness);
  }
  return batch.take_records();
}

}  // namespace inflight::ch03
