// co_await http_get(url, r): one GET with Beast on a connection of its own, as
// an Asio coroutine. Leaves out: TLS, redirects, and keeping the connection for
// the next request. The body is counted, then dropped, as in every chapter.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "harness/record.hpp"

namespace inflight::ch04_asio {

// Fills r's connections as soon as it is connected (so a request that connected
// and then failed still counts its connection), then status, bytes, and error =
// "HTTP <code>" for a status of 400 or more (like harness::end_transfer). `r`
// must outlive the operation. Throws bad_url before any I/O, and
// std::runtime_error naming the step and the system's reason when the exchange
// fails ("connect to 127.0.0.1:9: Connection refused", "resolve nosuch.invalid:
// Host not found (authoritative)").
//
// Cancellation: the coroutine that awaits this one hands it its cancellation
// slot; a terminal cancellation (the timeout's, in fetch.cpp) ends the
// operation in progress with an error, the exception unwinds this frame and
// the socket, a local, is closed on the way out. One step ignores the slot:
// Asio's name lookup (getaddrinfo on a thread of its own cannot be stopped), so
// http_get stops waiting for it but the lookup runs to its end, and io.run()
// does not return before it has (see resolve() in http_get.cpp).
boost::asio::awaitable<void> http_get(std::string url, harness::request_record& r);

}  // namespace inflight::ch04_asio
