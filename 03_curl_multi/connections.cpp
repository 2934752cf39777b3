#include "03_curl_multi/connections.hpp"

#include "harness/transfer.hpp"

namespace inflight::ch03 {

bool fresh_connection_each(std::size_t transfers,
                           std::optional<std::size_t> max_in_flight) {
  return !max_in_flight || *max_in_flight >= transfers;
}

void use_fresh_connection(CURL* easy) {
  harness::set_option(easy, CURLOPT_FRESH_CONNECT, 1L);
  harness::set_option(easy, CURLOPT_FORBID_REUSE, 1L);
}

}  // namespace inflight::ch03
