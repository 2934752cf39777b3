// The multi handle: owning it and checking its calls. Shared by both of this
// chapter's drivers and by chapter 04's event loop.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace inflight::ch03 {

struct multi_cleanup {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using multi_handle = std::unique_ptr<CURLM, multi_cleanup>;

// A new multi handle; throws std::runtime_error if curl cannot make one.
multi_handle make_multi();

// Throws std::runtime_error naming the call and curl's reason.
void check(CURLMcode code, const char* call);

}  // namespace inflight::ch03
