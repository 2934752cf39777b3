#include "03_curl_multi/multi_handle.hpp"

#include <stdexcept>
#include <string>

namespace inflight::ch03 {

multi_handle make_multi() {
  multi_handle multi{curl_multi_init()};
  if (!multi) throw std::runtime_error("curl_multi_init failed");
  return multi;
}

void check(CURLMcode code, const char* call) {
  if (code != CURLM_OK)
    throw std::runtime_error(std::string(call) + ": " + curl_multi_strerror(code));
}

}  // namespace inflight::ch03
