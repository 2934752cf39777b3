// Step 2: curl_multi_socket_action. libcurl tells us which sockets to watch
// (socket callback) and when it next needs a timeout (timer callback); we wait
// with the OS's readiness API and hand back only the sockets that are ready.
// Each wake-up now costs O(ready), not O(all transfers): the design of every
// event loop that holds thousands of connections (curl's ephiperfifo.c).
// The callbacks and their bookkeeping are in socket_action.cpp, which chapter
// 04's event loop shares.
#include <algorithm>
#include <iostream>

#include "03_curl_multi/drivers.hpp"
#include "03_curl_multi/socket_action.hpp"
#include "harness/fd_limit.hpp"

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

enum driver chosen_driver(const settings& how, std::size_t transfers) {
  if (how.driver) return *how.driver;
  // Before 8.13, libcurl files every transfer on a socket in a small hash
  // that it walks on each insert: over one HTTP/2 connection, socket_action
  // costs O(N) a transfer there, and curl_multi_poll is the faster driver.
  if (!how.http2 || curl_version_info(CURLVERSION_NOW)->version_num >= 0x080d00)
    return driver::socket_action;
  // There (7.88 at least) curl_multi_poll hands poll() one entry a transfer,
  // shared socket or not, and poll() takes no more than the descriptor limit.
  const std::size_t in_flight =
      std::min(transfers, how.max_in_flight.value_or(transfers));
  try {
    harness::ensure_descriptors(harness::descriptors_needed(in_flight, false));
    return driver::poll;
  } catch (const harness::descriptor_limit_error&) {
    return driver::socket_action;  // slower, but it runs
  }
}

std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               const settings& how,
                                               const harness::run_clock& clock,
                                               http2_prelude* prelude) {
  // Declared before the batches: each one removes its handles when it goes.
  const multi_handle multi = make_multi();
  const auto readiness = poller::make();  // both batches' sockets, one watch list
  const auto run = [&, chosen = chosen_driver(how, urls.size())](transfer_batch& batch) {
    if (chosen == driver::poll) {
      run_with_poll(batch);
    } else {
      run_with_socket_action(batch, *readiness);
    }
  };
  std::optional<h2_role> http2;
  if (how.http2) {
    // [snippet:warmup]
    multiplex(multi.get(), how.max_in_flight.value_or(urls.size()));
    settings one_each = how;
    one_each.max_in_flight.reset();
    transfer_batch warmup(multi.get(), warmup_urls(urls), one_each, clock,
                          h2_role::opens);
    run(warmup);  // to the end: every host's connection is open, or refused
    http2_prelude seen{warmup.take_records(), {}};
    if (const std::string refused = refused_http2(seen.warmups); refused.empty()) {
      http2 = h2_role::joins;
    } else {
      std::cerr << refused << "\n";
      seen.notes.push_back(refused);
      stop_multiplexing(multi.get());
    }
    // [/snippet]
    if (prelude) *prelude = std::move(seen);
  }
  transfer_batch batch(multi.get(), urls, how, clock, http2);
  run(batch);
  return batch.take_records();
}

}  // namespace inflight::ch03
