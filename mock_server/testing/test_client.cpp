// The test clients: libcurl for HTTP (easy for one request, multi for N at once)
// and POSIX sockets for the raw bytes. See test_client.hpp.
#include "mock_server/testing/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <curl/curl.h>

namespace inflight::mock::test {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Everything one transfer needs while it runs, owned by the caller.
struct transfer {
  http_response response;
  clock_type::time_point start = clock_type::now();
  curl_slist* header_list = nullptr;
  CURL* easy = nullptr;

  ~transfer() {
    curl_slist_free_all(header_list);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  const double now = seconds_since(t->start);
  if (t->response.first_body_byte_s < 0) t->response.first_body_byte_s = now;
  t->response.last_body_byte_s = now;
  t->response.body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) t->response.headers.clear();  // a new answer
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    auto value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
      value.remove_prefix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
      value.remove_suffix(1);
    t->response.headers[lower(line.substr(0, colon))] = std::string(value);
  }
  return size * count;
}

// Builds the easy handle; the transfer must outlive it.
void prepare(transfer& t, const http_request& request) {
  init_curl_once();
  t.easy = curl_easy_init();
  if (t.easy == nullptr) throw std::runtime_error("curl_easy_init failed");
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROXY, "");         // never route loopback via a proxy
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);      // tests run clients on many threads
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);  // one connection per request
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, std::lround(request.timeout_s * 1000));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  if (request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.c_str());
  }
  for (const auto& line : request.headers)
    t.header_list = curl_slist_append(t.header_list, line.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  t.start = clock_type::now();
}

void finish(transfer& t, CURLcode code) {
  t.response.total_s = seconds_since(t.start);
  t.response.curl_code = static_cast<int>(code);
  t.response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
  if (code != CURLE_OK) t.response.error = curl_easy_strerror(code);
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.response.status);
}

}  // namespace

std::string http_response::header(std::string_view name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

http_response perform(const http_request& request) {
  transfer t;
  prepare(t, request);
  finish(t, curl_easy_perform(t.easy));
  return std::move(t.response);
}

http_response get(const std::string& url, double timeout_s) {
  return perform({.url = url, .timeout_s = timeout_s});
}

http_response post(const std::string& url, const std::string& body, double timeout_s) {
  return perform({.url = url, .method = "POST", .body = body, .timeout_s = timeout_s});
}

std::vector<http_response> get_all(const std::vector<std::string>& urls,
                                   double timeout_s) {
  init_curl_once();
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(),
                                                              curl_multi_cleanup);
  std::vector<std::unique_ptr<transfer>> transfers;
  for (const auto& url : urls) {
    transfers.push_back(std::make_unique<transfer>());
    prepare(*transfers.back(), {.url = url, .timeout_s = timeout_s});
    curl_multi_add_handle(multi.get(), transfers.back()->easy);
  }
  int running = static_cast<int>(urls.size());
  while (running > 0) {
    curl_multi_perform(multi.get(), &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      finish(*t, msg->data.result);
    }
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  std::vector<http_response> out;
  for (auto& t : transfers) {
    curl_multi_remove_handle(multi.get(), t->easy);
    out.push_back(std::move(t->response));
  }
  return out;
}

raw_connection::raw_connection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string cause = std::strerror(errno);
    close();
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " +
                             cause);
  }
}

raw_connection::~raw_connection() {
  close();
}

void raw_connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void raw_connection::shut_down_writing() {
  ::shutdown(fd_, SHUT_WR);
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a server that hangs up must fail this call, not kill the test.
    const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

namespace {

// True once `bytes` hold a status line, headers and a Content-Length body.
bool whole_answer(const std::string& bytes) {
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::string head = lower(std::string_view(bytes).substr(0, end));
  const auto at = head.find("\r\ncontent-length:");
  if (at == std::string::npos) return true;  // no body announced
  const auto length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
  return bytes.size() >= end + 4 + length;
}

}  // namespace

std::string raw_reply::body() const {
  const auto end = bytes.find("\r\n\r\n");
  return end == std::string::npos ? "" : bytes.substr(end + 4);
}

raw_reply raw_connection::read_reply(double timeout_s) {
  raw_reply reply;
  const auto deadline =
      clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                              std::chrono::duration<double>(timeout_s));
  char buffer[16384];
  while (!whole_answer(reply.bytes)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - clock_type::now());
    if (left.count() <= 0) {
      reply.timed_out = true;
      break;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {  // 0: orderly close; < 0: reset
      reply.closed = true;
      break;
    }
    reply.bytes.append(buffer, static_cast<std::size_t>(got));
  }
  if (reply.bytes.rfind("HTTP/1.", 0) == 0 && reply.bytes.size() >= 12)
    reply.status = std::atoi(reply.bytes.substr(9, 3).c_str());
  return reply;
}

raw_reply raw_exchange(int port, std::string_view bytes, double timeout_s) {
  raw_connection connection(port);
  connection.send(bytes);  // a refusal mid-send shows up in the reply
  return connection.read_reply(timeout_s);
}

bool wait_until(const std::function<bool()>& done, double timeout_s) {
  const auto start = clock_type::now();
  while (!done()) {
    if (seconds_since(start) > timeout_s) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

namespace {
int count_entries(const char* directory) {
  const std::filesystem::directory_iterator entries(directory);
  return static_cast<int>(std::distance(begin(entries), end(entries)));
}
}  // namespace

int count_threads() {
  return count_entries("/proc/self/task");
}
int count_open_fds() {
  return count_entries("/proc/self/fd");
}

}  // namespace inflight::mock::test
