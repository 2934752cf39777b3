// HTTP/2 clients for the mock_server tests. libcurl 7.88.1 cannot reuse a
// prior-knowledge connection (curl #10634), so many streams on one connection
// use nghttp2's client session over a blocking loopback socket, driven by the
// test's thread (h2_client); the hostile cases write frames byte by byte
// (h2_raw). Test helpers only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inflight::mock::test {

using h2_fields = std::vector<std::pair<std::string, std::string>>;

struct h2_response {
  int status = 0;  // 0: no answer came (reset, or the connection ended)
  std::map<std::string, std::string> headers;  // names lower-case, as HTTP/2 sends them
  std::string body;
  bool closed = false;      // the stream ended, answered or not
  std::uint32_t error = 0;  // its close code: 0, or the RST_STREAM's
  [[nodiscard]] std::string header(const std::string& name) const;
};

class h2_client {
 public:
  // Connects and queues the preface and SETTINGS; throws when it cannot.
  explicit h2_client(int port);
  ~h2_client();
  h2_client(const h2_client&) = delete;
  h2_client& operator=(const h2_client&) = delete;

  // Queues a request (sent by the next run()); returns its stream id.
  std::int32_t submit(const std::string& path, const std::string& method = "GET",
                      const h2_fields& extra = {});
  void reset(std::int32_t stream);  // RST_STREAM(CANCEL), sent by the next run()
  // Exchanges frames until `done()`, the connection ends, or `timeout_s`;
  // returns done(). Without `done`: until every submitted stream has closed.
  bool run(double timeout_s, const std::function<bool()>& done = {});

  [[nodiscard]] const h2_response& response(std::int32_t stream) const;
  [[nodiscard]] bool connection_ended() const { return ended_; }
  [[nodiscard]] bool goaway() const { return goaway_; }
  [[nodiscard]] std::uint32_t goaway_code() const { return goaway_code_; }

  struct callbacks;  // h2_test_client.cpp: nghttp2 calls back into these

 private:
  int fd_ = -1;
  void* session_ = nullptr;  // nghttp2_session
  std::string authority_;
  std::map<std::int32_t, h2_response> responses_;
  int open_ = 0;
  bool ended_ = false;
  bool goaway_ = false;
  std::uint32_t goaway_code_ = 0;
};

// One frame as it went over the wire (RFC 9113 4.1).
struct h2_frame {
  std::uint8_t type = 0;  // 0 DATA, 1 HEADERS, 3 RST_STREAM, 4 SETTINGS, 6 PING, 7 GOAWAY
  std::uint8_t flags = 0;
  std::int32_t stream = 0;
  std::string payload;
  // RST_STREAM's and GOAWAY's error code.
  [[nodiscard]] std::uint32_t error_code() const;
};

// The bytes of a frame; a request's HEADERS frame (HPACK without a dynamic
// table, so each stands alone); the client preface with a SETTINGS frame.
std::string h2_frame_bytes(std::uint8_t type, std::uint8_t flags, std::int32_t stream,
                           std::string_view payload);
std::string h2_request_bytes(std::int32_t stream, const std::string& path,
                             bool end_stream = true, const h2_fields& extra = {});
std::string h2_preface_bytes(
    const std::vector<std::pair<std::uint16_t, std::uint32_t>>& settings = {});

// A raw connection for the hostile cases: sends bytes, reads frames.
class h2_raw {
 public:
  explicit h2_raw(int port, int receive_buffer = 0);  // 0: the kernel's default
  ~h2_raw();
  h2_raw(const h2_raw&) = delete;
  h2_raw& operator=(const h2_raw&) = delete;

  bool send(std::string_view bytes);  // false once the server closed or reset
  // Reads frames until `stop(frame)` is true for one, the server closes, or
  // `timeout_s`; returns every frame read so far.
  const std::vector<h2_frame>& read_until(
      const std::function<bool(const h2_frame&)>& stop, double timeout_s);
  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string pending_;  // bytes of a frame not whole yet
  std::vector<h2_frame> frames_;
  bool closed_ = false;
};

}  // namespace inflight::mock::test
