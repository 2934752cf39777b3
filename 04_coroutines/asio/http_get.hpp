// co_await http_get(url): one GET with Beast on a connection of its own, as
// an Asio coroutine. Leaves out: TLS, redirects, keeping the connection for
// the next request, and keeping the body (counted, then dropped, as in every
// chapter).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "harness/record.hpp"

namespace inflight::ch04_asio {

// Fills status, bytes and connections, and error = "HTTP <code>" for a status
// of 400 or more (like harness::end_transfer). Throws bad_url before any I/O,
// and std::runtime_error naming the step and the system's reason when the
// exchange fails ("connect to 127.0.0.1:9: Connection refused").
//
// Cancellation: the coroutine that awaits this one hands it its cancellation
// slot; a terminal cancellation (the timeout's, in fetch.cpp) ends the
// operation in progress with operation_aborted, the exception unwinds this
// frame and the socket, a local, is closed on the way out.
boost::asio::awaitable<harness::request_record> http_get(std::string url);

}  // namespace inflight::ch04_asio
