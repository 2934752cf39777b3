// A measuring stick, not a lesson: every GET in flight at once on one thread,
// with non-blocking sockets and epoll, and no HTTP library: the floor under
// every model. What the chapters' clients take longer than this, their
// libraries add. It leaves out on purpose everything a real client needs:
// DNS, TLS, IPv6, keep-alive, redirects, chunked bodies.
#pragma once

#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::bench {

// Fetches every URL at once; one record per URL, in order, filled as the
// chapters fill theirs. Only numeric IPv4 URLs, `http://A.B.C.D:PORT/path`:
// anything else throws std::invalid_argument naming the URL, before any
// request starts. A status other than 200 fails its request ("HTTP 404").
// `timeout_s` is for the whole batch: when no socket makes progress for that
// long, every request still open fails with "timeout". Raises the process's
// descriptor limit to fit (harness::ensure_descriptors), or throws.
std::vector<harness::request_record> fetch_all_raw(const std::vector<std::string>& urls,
                                                   double timeout_s,
                                                   const harness::run_clock& clock);

}  // namespace inflight::bench
