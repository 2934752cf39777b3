// HTTP/2 over cleartext (--http2): many transfers as streams of one
// connection a host, with prior knowledge (no HTTP/1.1 Upgrade round trip).
// Chapter 03 runs it on its batch, chapter 04 on its event loop. Leaves out
// TLS (h2 over https is what a real client would mostly meet) and server push.
//
// The recipe, the same on every libcurl from 7.88 on:
//  1. the multi handle multiplexes, N streams on a connection, one
//     connection a host (multiplex);
//  2. one warm-up request a host, with prior knowledge, runs to completion
//     first (warmup_urls, h2_role::opens): the connection is open, and libcurl
//     has seen an HTTP/2 answer on it;
//  3. then the N requests, each saying "HTTP/2" and waiting for that
//     connection (h2_role::joins) instead of opening one of their own.
// A host whose warm-up did not come back over HTTP/2 refused it
// (refused_http2): the run then goes on over HTTP/1.1 instead.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <string>
#include <vector>

#include "harness/record.hpp"

namespace inflight::ch03 {

// The part a transfer plays on its host's connection: the warm-up that opens
// it, or one of the requests that join it as another stream.
enum class h2_role { opens, joins };

// Sets one transfer to HTTP/2 in that role.
void use_http2(CURL* easy, h2_role role);

// The multi handle's side: multiplex, up to `streams` on a connection, one
// connection a host.
void multiplex(CURLM* multi, std::size_t streams);

// Back to libcurl's defaults for connections a host, for a run that goes on
// over HTTP/1.1: one connection a host would carry one request at a time.
void stop_multiplexing(CURLM* multi);

// One warm-up URL for each host among `urls`, in order of first appearance:
// "{scheme}://{host}:{port}/get". The bundled server (and httpbin) answer it
// at once; any answer at all, even a 404, opens the connection.
std::vector<std::string> warmup_urls(const std::vector<std::string>& urls);

// What the warm-ups say: empty when every host answered over HTTP/2, else one
// line naming each host that refused and why, for stderr and the report.
std::string refused_http2(const std::vector<harness::request_record>& warmups);

// What --http2 did before the requests, for the report: the warm-ups (shown
// in the timeline, not counted among the requests) and the lines to show.
struct http2_prelude {
  std::vector<harness::request_record> warmups;
  std::vector<std::string> notes;
};

}  // namespace inflight::ch03
