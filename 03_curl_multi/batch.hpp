// What both drivers share: one easy handle per URL on a multi handle, the
// refill pattern, and harvesting finished transfers. The drivers differ only
// in how they wait.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "03_curl_multi/connections.hpp"
#include "03_curl_multi/curl_multi.hpp"
#include "03_curl_multi/http2.hpp"
#include "03_curl_multi/multi_handle.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch03 {

class transfer_batch {
 public:
  // `multi` must outlive the batch. `http2`: the part every transfer plays on
  // its host's HTTP/2 connection (http2.hpp); empty: HTTP/1.1.
  transfer_batch(CURLM* multi, const std::vector<std::string>& urls, const settings& how,
                 const harness::run_clock& clock,
                 std::optional<h2_role> http2 = std::nullopt);
  ~transfer_batch();
  transfer_batch(const transfer_batch&) = delete;
  transfer_batch& operator=(const transfer_batch&) = delete;

  [[nodiscard]] CURLM* multi() const { return multi_; }

  // Adds the first transfers: all of them, or the first K.
  void start();
  // Reads every finished transfer off the multi handle; then records each,
  // frees its easy handle, and adds the next waiting URL in its place.
  void harvest();
  [[nodiscard]] bool done() const { return harvested_ == slots_.size(); }

  std::vector<harness::request_record> take_records();

 private:
  struct slot {
    harness::transfer transfer;  // curl writes into it: it must not move
    harness::easy_handle easy;
  };
  // Adds the next URL. One that cannot start is recorded as failed on the
  // spot, and the one after it is added instead.
  void add_next();

  CURLM* multi_;
  std::vector<std::unique_ptr<slot>> slots_;
  std::vector<harness::request_record> records_;
  const settings how_;  // a copy: a caller's temporary may not outlive the batch
  const harness::run_clock& clock_;
  std::size_t added_ = 0;
  std::size_t harvested_ = 0;
  std::optional<h2_role> http2_;
  bool fresh_connections_;  // every transfer at once: fresh_connection_each
  // harvest(): the transfers that ended, read off the multi handle at once.
  std::vector<std::pair<CURL*, CURLcode>> ended_;
};

}  // namespace inflight::ch03
