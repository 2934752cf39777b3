// One GET with Beast, written like chapter 01's blocking fetch_one: connect,
// write the request, read the response; each step a co_await. The only file
// of the twin that includes Beast (it compiles slowly).
#include "04_coroutines/asio/http_get.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>

#include "04_coroutines/asio/url.hpp"

namespace inflight::ch04_asio {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Connects `socket` to the URL's host. An address (the bundled server's
// 127.0.0.1) is connected to at once; only a name is resolved, because
// async_resolve runs getaddrinfo on a thread of Asio's own: one round trip
// there per request would cost what the whole GET costs. (A real client would
// also cache what it resolved, as curl does.)
asio::awaitable<void> connect_to(tcp::socket& socket, const http_url& where) {
  boost::system::error_code not_an_address;
  const auto address = asio::ip::make_address(where.host, not_an_address);
  if (!not_an_address) {
    const auto port = static_cast<unsigned short>(std::stoul(where.port));
    co_await socket.async_connect({address, port}, asio::use_awaitable);
    co_return;
  }
  tcp::resolver resolver{socket.get_executor()};
  const auto endpoints =
      co_await resolver.async_resolve(where.host, where.port, asio::use_awaitable);
  co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
}

}  // namespace

asio::awaitable<harness::request_record> http_get(std::string url) {
  const http_url where = parse_http_url(url);  // throws bad_url
  // A new connection per request, closed when `socket` goes, as 03 and 04 do
  // when every request is in flight. Beast has no pool: reusing a connection
  // is the caller's job (keep the socket, send the next request on it).
  tcp::socket socket{co_await asio::this_coro::executor};
  std::string step = "connect to " + where.host + ":" + where.port;
  try {
    co_await connect_to(socket, where);
    step = "send the request";
    http::request<http::empty_body> request{http::verb::get, where.target, 11};
    request.set(http::field::host, host_header(where));
    request.set(http::field::user_agent, "inflight-04_asio");
    co_await http::async_write(socket, request, asio::use_awaitable);

    step = "read the response";
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;  // a body over 8 MB is an error
    co_await http::async_read(socket, buffer, response, asio::use_awaitable);

    harness::request_record r;
    r.status = response.result_int();
    r.bytes = response.body().size();
    r.connections = 1;
    if (r.status >= 400) r.error = "HTTP " + std::to_string(r.status);
    co_return r;
  } catch (const boost::system::system_error& e) {
    // e.what() adds Boost's source location; the reader wants the step.
    throw std::runtime_error(step + ": " + e.code().message());
  }
}

}  // namespace inflight::ch04_asio
