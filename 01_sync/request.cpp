// How one request is set up: the options every chapter's GET relies on, set
// on an easy handle before it runs (chapters 02 to 05 set theirs here too).
// Leaves out what a real client would add: headers, TLS settings, retries.
#include <cmath>

#include "01_sync/sync.hpp"
#include "harness/transfer.hpp"

namespace inflight::ch01 {

// [snippet:begin_transfer]
void begin_transfer(CURL* easy, harness::transfer& t, double timeout_s,
                    const harness::run_clock& clock) {
  harness::set_option(easy, CURLOPT_URL, t.record.url.c_str());
  // curl's default is no limit at all: a server that never answers would
  // hold this request, and in this chapter the whole program, forever.
  harness::set_option(easy, CURLOPT_TIMEOUT_MS, std::lround(timeout_s * 1000));
  // No signals: curl's timeouts would otherwise use SIGALRM, which is not
  // safe with several threads (libcurl's thread-safety rules; chapter 02).
  harness::set_option(easy, CURLOPT_NOSIGNAL, 1L);
  harness::set_option(easy, CURLOPT_FOLLOWLOCATION, 1L);  // like a browser or `requests`
  harness::set_option(easy, CURLOPT_MAXREDIRS, 5L);
  // Where the body goes (counted, then dropped) and curl's error message;
  // stamps the start time.
  harness::attach_record(easy, t, clock);
}
// [/snippet]

}  // namespace inflight::ch01
