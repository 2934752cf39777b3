// Every request in flight holds a socket, and a socket is a file descriptor.
// At N = 10,000 a process needs more than the common default soft limit of
// 1,024, so we raise the soft limit as far as the run needs (up to the hard
// limit, which needs no privilege) and, when that is still too low, stop with
// a message that says how many are needed and how to get them, instead of
// failing every request with "Couldn't connect". One check for every chapter:
// the session makes it before the first request (session.hpp).
#pragma once

#include <cstddef>
#include <stdexcept>

#include "harness/options.hpp"

namespace inflight::harness {

class descriptor_limit_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Descriptors a run needs: one socket per request in flight, another per
// connection when the bundled server runs in this process, and some spare.
std::size_t descriptors_needed(std::size_t in_flight, bool server_in_process);

// descriptors_needed for a chapter run: min(N, --max-in-flight) in flight (one
// with --http2 to our server: a single connection carries them all), and
// the bundled server in this process unless --url or --urls points elsewhere.
std::size_t descriptors_for(const run_options& options,
                            std::size_t in_flight_at_most = 0);

// Raises RLIMIT_NOFILE's soft limit to fit `needed`; returns the limit now in
// force. Throws descriptor_limit_error when the hard limit is too low.
std::size_t ensure_descriptors(std::size_t needed);

}  // namespace inflight::harness
