// The two ways to wait for a batch of transfers, and the dispatch between them.
#pragma once

#include "03_curl_multi/batch.hpp"
#include "03_curl_multi/poller.hpp"

namespace inflight::ch03 {

void run_with_poll(transfer_batch& batch);
void run_with_socket_action(transfer_batch& batch, poller& readiness);

}  // namespace inflight::ch03
