// One GET with Beast, written like chapter 01's blocking fetch_one: connect,
// write the request, read the response; each step a co_await. The only file
// of the twin that includes Beast (it compiles slowly).
#include "04_coroutines/asio/http_get.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include "04_coroutines/asio/url.hpp"

namespace inflight::ch04_asio {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// A Beast body that only counts: the parser hands it the body piece by piece
// and it adds up their sizes, so no response is kept whatever its size.
// (Beast's string_body would keep it, up to the parser's 8 MB default limit.)
struct counted_body {
  using value_type = std::uint64_t;  // the bytes seen so far

  class reader {
   public:
    // Zeroes the count here: the message leaves a scalar body uninitialized,
    // and init() is not called for an empty body.
    template <bool is_request, class Fields>
    reader(http::header<is_request, Fields>&, value_type& bytes) : bytes_(bytes) {
      bytes_ = 0;
    }
    void init(const boost::optional<std::uint64_t>&, error_code& e) { e = {}; }
    template <class Buffers>
    std::size_t put(const Buffers& buffers, error_code& e) {
      e = {};
      const std::size_t n = boost::beast::buffer_bytes(buffers);
      bytes_ += n;
      return n;
    }
    void finish(error_code& e) { e = {}; }

   private:
    value_type& bytes_;
  };
};

// Workaround: async_resolve ignores cancellation in Boost 1.81 (getaddrinfo
// runs on Asio's resolver thread and cannot be interrupted), so a timeout
// awaiting it directly would wait for a slow lookup. Instead the lookup ends in
// a one-slot channel, and we await the channel, whose receive a cancellation
// does end. The handler owns the resolver and the channel, so a lookup that
// outlives its request still has both. It still counts as work: io.run()
// returns only once the lookup has.
asio::awaitable<tcp::resolver::results_type> resolve(const http_url& where) {
  using results = tcp::resolver::results_type;
  using result_channel = asio::experimental::channel<void(error_code, results)>;
  const auto executor = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(executor);
  auto result = std::make_shared<result_channel>(executor, 1);
  resolver->async_resolve(where.host, where.port,
                          [resolver, result](error_code e, results found) {
                            result->try_send(e, std::move(found));
                          });
  co_return co_await result->async_receive(asio::use_awaitable);
}

// Connects `socket` to the URL's host, naming in `step` what it is doing. An
// address (the bundled server's 127.0.0.1) is connected to at once; only a
// name is resolved, because the lookup runs getaddrinfo on a thread of Asio's
// own: one round trip there per request would cost what the whole GET costs.
// (A real client would also cache what it resolved, as curl does.)
asio::awaitable<void> connect_to(tcp::socket& socket, const http_url& where,
                                 std::string& step) {
  error_code not_an_address;
  const auto address = asio::ip::make_address(where.host, not_an_address);
  if (!not_an_address) {
    const auto port = static_cast<unsigned short>(std::stoul(where.port));
    co_await socket.async_connect({address, port}, asio::use_awaitable);
    co_return;
  }
  step = "resolve " + where.host;
  const auto endpoints = co_await resolve(where);
  step = "connect to " + host_and_port(where);
  co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
}

}  // namespace

asio::awaitable<void> http_get(std::string url, harness::request_record& r) {
  const http_url where = parse_http_url(url);  // throws bad_url
  // A new connection per request, closed when `socket` goes, as 03 and 04 do
  // when every request is in flight. Beast has no pool: reusing a connection
  // is the caller's job (keep the socket, send the next request on it).
  tcp::socket socket{co_await asio::this_coro::executor};
  std::string step = "connect to " + host_and_port(where);
  try {
    co_await connect_to(socket, where, step);
    r.connections = 1;

    step = "send the request";
    http::request<http::empty_body> request{http::verb::get, where.target, 11};
    request.set(http::field::host, host_header(where));
    request.set(http::field::user_agent, "inflight-04_asio");
    co_await http::async_write(socket, request, asio::use_awaitable);

    step = "read the response";
    boost::beast::flat_buffer buffer;
    http::response_parser<counted_body> response;
    response.body_limit(boost::none);  // counted, not kept: no size is too big
    co_await http::async_read(socket, buffer, response, asio::use_awaitable);

    r.status = response.get().result_int();
    r.bytes = response.get().body();
    if (r.status >= 400) r.error = "HTTP " + std::to_string(r.status);
  } catch (const boost::system::system_error& e) {
    // e.what() adds Boost's source location; the reader wants the step.
    throw std::runtime_error(step + ": " + e.code().message());
  }
}

}  // namespace inflight::ch04_asio
