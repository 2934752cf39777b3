// The limits every engine of the bundled server enforces, in one place, so that
// both engines refuse the same requests the same way (mock_server/DETAILS.md,
// "Limits, engine by engine", says how each engine enforces each one). The
// defaults are sized for the tutorial: 10,000 requests in flight on loopback,
// and no single client able to take the memory, the descriptors or the time of
// the others.
#pragma once

#include <chrono>
#include <cstddef>

namespace inflight::mock {

struct server_limits {
  // Open client connections. Past it a new connection gets a 503 JSON and is
  // closed. Above the 10,000 in flight the chapters ask for, below the 20,000
  // descriptors a Debian container allows by default.
  int max_connections = 16'384;
  // Request line plus header fields, in bytes (431 past it; 414 when the request
  // line alone is past it). Browsers send under 8 KiB; cpp-httplib and evhttp
  // both default to about this.
  std::size_t max_head_bytes = 16 * 1024;
  // Header fields in one request (431 past it).
  int max_header_count = 100;
  // A request body (413 past it, answered before the body is read). Only
  // POST /stats/reset takes one, and ignores it.
  std::size_t max_body_bytes = 1024 * 1024;
  // Bytes of answers built but not yet handed to the kernel, over all
  // connections: clients that do not read hold them. A request that would pass
  // it gets a 503 JSON at once, instead of the server growing without bound.
  std::size_t max_bytes_in_flight = 64 * 1024 * 1024;
  // A connection with no request under way is closed after this (keep-alive
  // and fresh connections alike).
  std::chrono::milliseconds idle_timeout{15'000};
  // From a request's first byte to the end of its head and body: a client that
  // sends a byte every few seconds (slowloris) is cut here, with a 408 JSON.
  std::chrono::milliseconds request_timeout{10'000};
  // An answer that makes no progress for this long (its client stopped
  // reading) is dropped, and its request counted as abandoned.
  std::chrono::milliseconds send_timeout{30'000};

  // HTTP/2 (events engine): streams one connection may have open at once, its
  // SETTINGS_MAX_CONCURRENT_STREAMS. The chapters put 10,000 requests on one
  // connection; this leaves headroom, and matches max_connections, so that
  // one HTTP/2 connection may hold what the HTTP/1.1 side holds in total
  // (about 1 KiB a waiting stream: 16 MiB at the limit). A client that opens
  // more before it has acknowledged the setting gets RST_STREAM(REFUSED_STREAM)
  // for each; one that had acknowledged it gets GOAWAY(PROTOCOL_ERROR)
  // (nghttp2's choice; RFC 9113 5.1.2 allows either). The same number bounds
  // the streams reset in one second on one connection, by the client (a client
  // may cancel all it has in flight; rapid reset, CVE-2023-44487) or by us at
  // its doing (MadeYouReset, CVE-2025-8671): past it, GOAWAY(ENHANCE_YOUR_CALM).
  int max_concurrent_streams = 16'384;

  // Serving a room (one server, a workshop's laptops): what one client address
  // may hold, so that one attendee's 10,000 cannot starve the others. 0: no
  // limit, the default, as on loopback the one client is the learner; the
  // program turns them on when it serves a network (mock_server --host, with
  // room_limits() below). Past a limit: a connection gets a 503 JSON, a
  // request a 429 JSON, an answer a 503 JSON; each is counted against the
  // address on /dashboard.
  int max_connections_per_client = 0;
  // Requests in flight: over HTTP/1.1 the connections bound them already;
  // over HTTP/2 one connection carries thousands of streams.
  int max_in_flight_per_client = 0;
  std::size_t max_bytes_per_client = 0;
  // A bucket of one second's worth: a run's N at once is fine up to it.
  int max_requests_per_second_per_client = 0;
};

// The per-client limits a room gets by default: room enough for a chapter's
// 1,000 at once from every laptop (30 of them hold 30,000 connections at most
// if each used its share, past max_connections: the first come are served).
inline server_limits room_limits(server_limits limits) {
  limits.max_connections_per_client = 1'024;
  limits.max_in_flight_per_client = 1'024;
  limits.max_bytes_per_client = 8 * 1024 * 1024;
  limits.max_requests_per_second_per_client = 2'000;
  return limits;
}

}  // namespace inflight::mock
