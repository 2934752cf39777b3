// Step 1: the curl_multi_poll loop. curl_multi_perform drives every transfer
// a little; curl_multi_poll sleeps until one of their sockets is ready or a
// timeout is due. Simple, and fine for hundreds of transfers; but every
// wake-up walks all of them, so its cost grows with N (see socket_driver.cpp).
#include "03_curl_multi/drivers.hpp"

namespace inflight::ch03 {

// [snippet:poll_loop]
void run_with_poll(transfer_batch& batch) {
  batch.start();
  while (!batch.done()) {
    int running = 0;
    check(curl_multi_perform(batch.multi(), &running), "curl_multi_perform");
    batch.harvest();  // may add the next transfers (the refill)
    if (batch.done()) break;
    // Sleep until a socket is ready or curl's next timeout is due (at most 1 s).
    check(curl_multi_poll(batch.multi(), nullptr, 0, 1000, nullptr), "curl_multi_poll");
  }
}
// [/snippet]

}  // namespace inflight::ch03
