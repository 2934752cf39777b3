// Chapter 01: N GETs with libcurl's blocking easy interface, one after
// another. Leaves out, on purpose, any overlap: while a request waits for its
// answer, the whole program waits with it.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <string>
#include <vector>

#include "harness/record.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch01 {

// Whether fetch_all keeps one easy handle for the whole loop (and with it the
// open connection) or makes a fresh handle, and so a new connection, per request.
enum class handle_policy { reuse, fresh };

// Sets up `easy` for the GET of t.record.url (request.cpp): the URL, the
// timeout and the options every chapter's request relies on, then points the
// body and error message at `t` and stamps its start. Throws when curl refuses
// an option. Chapters 03 and 04 set up their transfers with it too.
void begin_transfer(CURL* easy, harness::transfer& t, double timeout_s,
                    const harness::run_clock& clock);

// One blocking GET of `url` on `easy`; returns when the answer is in or the
// request failed, a failed set-up included: never throws for one request.
// Chapter 02 calls this same function from many threads.
harness::request_record fetch_one(CURL* easy, std::size_t index, const std::string& url,
                                  double timeout_s, const harness::run_clock& clock);

// Every URL in order, one at a time. The records come back in the same order.
std::vector<harness::request_record> fetch_all(const std::vector<std::string>& urls,
                                               handle_policy policy, double timeout_s,
                                               const harness::run_clock& clock);

// The same loop over HTTP/2 (--http2, http2.cpp): a handle's first transfer
// to a host opens an HTTP/2 connection, its next ones are streams of it.
std::vector<harness::request_record> fetch_all_http2(const std::vector<std::string>& urls,
                                                     handle_policy policy,
                                                     double timeout_s,
                                                     const harness::run_clock& clock);

// The model's name in the report: "sequential, one reused easy handle".
std::string model_name(handle_policy policy);

}  // namespace inflight::ch01
