// Step 2: curl_multi_socket_action. libcurl tells us which sockets to watch
// (socket callback) and when it next needs a timeout (timer callback); we wait
// with the OS's readiness API and hand back only the sockets that are ready.
// Each wake-up now costs O(ready), not O(all transfers): the design of every
// event loop that holds thousands of connections (curl's ephiperfifo.c).
// The callbacks and their bookkeeping are in socket_action.cpp, which chapter
// 04's event loop shares.
#include "03_curl_multi/drivers.hpp"
#include "03_curl_multi/socket_action.hpp"

namespace inflight::ch03 {

// [snippet:socket_loop]
void run_with_socket_action(transfer_batch& batch, poller& readiness) {
  // Declared after `batch` and `readiness` (the caller's): destroyed first,
  // so libcurl's callbacks are unhooked before either goes, even on a throw.
  socket_action_hook hook{batch.multi(), readiness};

  batch.start();  // adding handles sets a timer: the first timeout starts them
  while (!batch.done()) {
    for (const readiness_event& e : readiness.wait(hook.wait_ms())) {
      hook.socket_ready(e);  // curl reads, writes or fails that socket
    }
    hook.timeout_if_due();
    batch.harvest();           // finished transfers out, the next ones in (the refill)
    hook.rethrow_if_failed();  // removing and adding handles calls back too
  }
}
// [/snippet]

std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               const settings& how,
                                               const harness::run_clock& clock) {
  transfer_batch batch(urls, how, clock);
  if (how.driver == driver::poll) {
    run_with_poll(batch);
  } else {
    const auto readiness = poller::make();
    run_with_socket_action(batch, *readiness);
  }
  return batch.take_records();
}

}  // namespace inflight::ch03
