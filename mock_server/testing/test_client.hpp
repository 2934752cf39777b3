// Small clients for the mock_server tests: a blocking request with libcurl, N GETs
// at once with the curl multi interface, and a raw TCP socket for bytes that are
// not HTTP. Test helpers only: no retries, no redirects, no connection reuse.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "mock_server/server.hpp"

namespace inflight::mock {
// GoogleTest prints an engine as "threads", not as "4-byte object <00-00 00-00>",
// in test names and failure messages.
inline void PrintTo(engine_kind kind, std::ostream* out) {
  *out << to_string(kind);
}
}  // namespace inflight::mock

namespace inflight::mock::test {

// One transfer's outcome, as the tests read it.
struct http_response {
  long status = 0;  // 0: no HTTP answer at all (see `error`)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased; last one wins
  std::string error;       // curl's message when the transfer failed, else empty
  int curl_code = 0;       // CURLcode, 0 when the transfer completed
  bool timed_out = false;  // the client's own timeout fired (CURLE_OPERATION_TIMEDOUT)
  double total_s = 0;      // request started -> transfer finished or failed
  double first_body_byte_s = -1;  // when body bytes arrived; -1 when none did
  double last_body_byte_s = -1;

  // Value of header `name` (any case), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

struct http_request {
  std::string url{};
  std::string method = "GET";
  std::string body{};                  // sent for any method other than GET
  std::vector<std::string> headers{};  // extra "Name: value" lines
  double timeout_s = 10;               // a safety net: no test waits forever
};

http_response perform(const http_request& request);
http_response get(const std::string& url, double timeout_s = 10);
http_response post(const std::string& url, const std::string& body = {},
                   double timeout_s = 10);

// Starts every GET at once (one connection each, curl multi on this thread) and
// returns when all have finished, the results in the order of `urls`.
std::vector<http_response> get_all(const std::vector<std::string>& urls,
                                   double timeout_s = 10);

// What came back on a raw connection.
struct raw_reply {
  std::string bytes;       // everything received
  int status = 0;          // from "HTTP/1.x NNN ...", 0 when no status line came
  bool closed = false;     // the server closed (or reset) the connection
  bool timed_out = false;  // neither a full answer nor a close before the deadline

  // What follows the first answer's head ("" when no whole head came).
  [[nodiscard]] std::string body() const;
};

// A plain TCP connection to 127.0.0.1:port, for requests no HTTP client sends.
class raw_connection {
 public:
  explicit raw_connection(int port);  // throws std::runtime_error when it cannot
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  // Sends every byte; false when the server closed or reset the connection first
  // (which a server refusing a request may well do).
  bool send(std::string_view bytes);
  // Reads until one whole HTTP answer arrived (headers plus Content-Length bytes),
  // the server closed the connection, or `timeout_s` passed.
  raw_reply read_reply(double timeout_s);
  // shutdown(SHUT_WR), as `nc -N` does: "no more requests", still reading.
  void shut_down_writing();
  void close();

 private:
  int fd_ = -1;
};

// Connect, send `bytes`, read one answer (or the close).
raw_reply raw_exchange(int port, std::string_view bytes, double timeout_s = 5);

// Polls `done` every 10 ms until it returns true or `timeout_s` passes;
// returns its last value.
bool wait_until(const std::function<bool()>& done, double timeout_s);

// Entries in /proc/self/task and /proc/self/fd: threads and open descriptors.
int count_threads();
int count_open_fds();

}  // namespace inflight::mock::test
