// The HTTP/2 test clients: see h2_test_client.hpp.
#include "mock_server/testing/h2_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include <nghttp2/nghttp2.h>

namespace inflight::mock::test {
namespace {

using clock_type = std::chrono::steady_clock;

int connect_loopback(int port, int receive_buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (receive_buffer > 0)  // before connect(), so the window starts small
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  return fd;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

nghttp2_nv field(const std::string& name, const std::string& value) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

nghttp2_session* ng(void* session) {
  return static_cast<nghttp2_session*>(session);
}

}  // namespace

std::string h2_response::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

struct h2_client::callbacks {
  static h2_client& self(void* user) { return *static_cast<h2_client*>(user); }
  static int on_header(nghttp2_session*, const nghttp2_frame* frame,
                       const std::uint8_t* name, std::size_t name_length,
                       const std::uint8_t* value, std::size_t value_length, std::uint8_t,
                       void* user) {
    auto& r = self(user).responses_[frame->hd.stream_id];
    const std::string n(reinterpret_cast<const char*>(name), name_length);
    const std::string v(reinterpret_cast<const char*>(value), value_length);
    if (n == ":status")
      r.status = std::stoi(v);
    else
      r.headers[n] = v;
    return 0;
  }
  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream,
                     const std::uint8_t* data, std::size_t length, void* user) {
    self(user).responses_[stream].body.append(reinterpret_cast<const char*>(data),
                                              length);
    return 0;
  }
  static int on_close(nghttp2_session*, std::int32_t stream, std::uint32_t error,
                      void* user) {
    auto& r = self(user).responses_[stream];
    r.closed = true;
    r.error = error;
    --self(user).open_;
    return 0;
  }
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_GOAWAY) {
      self(user).goaway_ = true;
      self(user).goaway_code_ = frame->goaway.error_code;
    }
    return 0;
  }
};

h2_client::h2_client(int port)
    : fd_(connect_loopback(port, 0)), authority_("127.0.0.1:" + std::to_string(port)) {
  nghttp2_session_callbacks* cbs = nullptr;
  nghttp2_session_callbacks_new(&cbs);
  nghttp2_session_callbacks_set_on_header_callback(cbs, callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, callbacks::on_data);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, callbacks::on_close);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, callbacks::on_frame);
  nghttp2_option* option = nullptr;
  nghttp2_option_new(&option);
  // As many streams as the test submits, even before the server's SETTINGS.
  nghttp2_option_set_peer_max_concurrent_streams(option, 1U << 20);
  nghttp2_session* session = nullptr;
  nghttp2_session_client_new2(&session, cbs, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(cbs);
  session_ = session;
  // Big windows: the tests measure the server, not flow control.
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 24}};
  nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 1);
  nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, 1 << 30);
}

h2_client::~h2_client() {
  nghttp2_session_del(ng(session_));
  ::close(fd_);
}

std::int32_t h2_client::submit(const std::string& path, const std::string& method,
                               const h2_fields& extra) {
  const std::string names[] = {":method", ":scheme", ":path", ":authority"};
  const std::string values[] = {method, "http", path, authority_};
  std::vector<nghttp2_nv> fields;
  for (int i = 0; i < 4; ++i) fields.push_back(field(names[i], values[i]));
  for (const auto& [name, value] : extra) fields.push_back(field(name, value));
  const auto id = nghttp2_submit_request(ng(session_), nullptr, fields.data(),
                                         fields.size(), nullptr, nullptr);
  if (id < 0) throw std::runtime_error(nghttp2_strerror(id));
  responses_[id];
  ++open_;
  return id;
}

void h2_client::reset(std::int32_t stream) {
  nghttp2_submit_rst_stream(ng(session_), NGHTTP2_FLAG_NONE, stream, NGHTTP2_CANCEL);
}

bool h2_client::run(double timeout_s, const std::function<bool()>& done) {
  const auto finished = [&] { return done ? done() : open_ == 0; };
  const auto end = clock_type::now() + std::chrono::duration<double>(timeout_s);
  char buffer[65536];
  while (!finished() && !ended_ && clock_type::now() < end) {
    const std::uint8_t* data = nullptr;
    for (ssize_t n; (n = nghttp2_session_mem_send(ng(session_), &data)) > 0;)
      if (!send_all(fd_,
                    {reinterpret_cast<const char*>(data), static_cast<std::size_t>(n)}))
        ended_ = true;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0 ||
        nghttp2_session_mem_recv(ng(session_), reinterpret_cast<std::uint8_t*>(buffer),
                                 static_cast<std::size_t>(n)) < 0)
      ended_ = true;
  }
  return finished();
}

const h2_response& h2_client::response(std::int32_t stream) const {
  return responses_.at(stream);
}

std::uint32_t h2_frame::error_code() const {
  const std::size_t at = type == 7 ? 4 : 0;  // GOAWAY: after the last stream id
  if (payload.size() < at + 4) return 0;
  std::uint32_t code = 0;
  for (std::size_t i = at; i < at + 4; ++i)
    code = (code << 8U) | static_cast<unsigned char>(payload[i]);
  return code;
}

std::string h2_frame_bytes(std::uint8_t type, std::uint8_t flags, std::int32_t stream,
                           std::string_view payload) {
  const auto length = payload.size();
  std::string bytes{static_cast<char>(length >> 16U), static_cast<char>(length >> 8U),
                    static_cast<char>(length),        static_cast<char>(type),
                    static_cast<char>(flags),         static_cast<char>(stream >> 24U),
                    static_cast<char>(stream >> 16U), static_cast<char>(stream >> 8U),
                    static_cast<char>(stream)};
  return bytes.append(payload);
}

std::string h2_request_bytes(std::int32_t stream, const std::string& path,
                             bool end_stream, const h2_fields& extra) {
  h2_fields all = {
      {":method", "GET"}, {":scheme", "http"}, {":path", path}, {":authority", "test"}};
  all.insert(all.end(), extra.begin(), extra.end());
  std::vector<nghttp2_nv> fields;
  for (const auto& [name, value] : all) fields.push_back(field(name, value));
  nghttp2_hd_deflater* deflater = nullptr;
  nghttp2_hd_deflate_new(&deflater, 0);  // no dynamic table: each block stands alone
  std::string block(nghttp2_hd_deflate_bound(deflater, fields.data(), fields.size()), 0);
  const auto n =
      nghttp2_hd_deflate_hd(deflater, reinterpret_cast<std::uint8_t*>(block.data()),
                            block.size(), fields.data(), fields.size());
  nghttp2_hd_deflate_del(deflater);
  block.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  // Past the default frame size (16 KiB), the block goes on in CONTINUATIONs.
  constexpr std::size_t most = 16384;
  std::string bytes;
  for (std::size_t at = 0; at == 0 || at < block.size(); at += most) {
    const bool last = at + most >= block.size();
    const std::uint8_t type = at == 0 ? NGHTTP2_HEADERS : NGHTTP2_CONTINUATION;
    std::uint8_t flags = last ? NGHTTP2_FLAG_END_HEADERS : 0;
    if (at == 0 && end_stream) flags |= NGHTTP2_FLAG_END_STREAM;
    bytes +=
        h2_frame_bytes(type, flags, stream, std::string_view(block).substr(at, most));
  }
  return bytes;
}

std::string h2_preface_bytes(
    const std::vector<std::pair<std::uint16_t, std::uint32_t>>& settings) {
  std::string payload;
  for (const auto& [id, value] : settings)
    payload += {static_cast<char>(id >> 8U),     static_cast<char>(id),
                static_cast<char>(value >> 24U), static_cast<char>(value >> 16U),
                static_cast<char>(value >> 8U),  static_cast<char>(value)};
  return std::string(NGHTTP2_CLIENT_MAGIC, NGHTTP2_CLIENT_MAGIC_LEN) +
         h2_frame_bytes(NGHTTP2_SETTINGS, 0, 0, payload);
}

h2_raw::h2_raw(int port, int receive_buffer)
    : fd_(connect_loopback(port, receive_buffer)) {}

h2_raw::~h2_raw() {
  ::close(fd_);
}

bool h2_raw::send(std::string_view bytes) {
  return send_all(fd_, bytes);
}

const std::vector<h2_frame>& h2_raw::read_until(
    const std::function<bool(const h2_frame&)>& stop, double timeout_s) {
  const auto end = clock_type::now() + std::chrono::duration<double>(timeout_s);
  char buffer[65536];
  while (!closed_ && clock_type::now() < end) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;
      break;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
    bool stopped = false;
    while (pending_.size() >= 9) {
      const auto byte = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(pending_[i]));
      };
      const std::size_t length = (byte(0) << 16U) | (byte(1) << 8U) | byte(2);
      if (pending_.size() < 9 + length) break;
      h2_frame f;
      f.type = static_cast<std::uint8_t>(byte(3));
      f.flags = static_cast<std::uint8_t>(byte(4));
      f.stream = static_cast<std::int32_t>(((byte(5) & 0x7fU) << 24U) | (byte(6) << 16U) |
                                           (byte(7) << 8U) | byte(8));
      f.payload = pending_.substr(9, length);
      pending_.erase(0, 9 + length);
      stopped = stopped || stop(f);
      frames_.push_back(std::move(f));
    }
    if (stopped) break;
  }
  return frames_;
}

}  // namespace inflight::mock::test
