// The threads engine: cpp-httplib, one thread parked per request in flight,
// the server-side mirror of chapter 02. Simple to read, and its cost is the
// lesson: a thread (and its stack) for every client that is merely waiting.
//
// Debian's cpp-httplib 0.11 needs four corrections, each marked below: its
// listen backlog, its fixed-size thread pool, its keep-alive wait, and its
// workers' polling for a request that has not arrived yet.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <httplib.h>

#include "mock_server/engine.hpp"
#include "mock_server/routes.hpp"
#include "mock_server/thread_pool.hpp"
#include "mock_server/wait.hpp"

namespace inflight::mock {
namespace {

// The compiled library listens with a backlog of 5 and ignores
// CPPHTTPLIB_LISTEN_BACKLOG: the 6th simultaneous connect is dropped and the
// kernel retries it a second later, turning "10 requests in 1 s" into 2 s.
// We listen() again on the bound socket with a backlog that fits any test.
constexpr int listen_backlog = 4096;

// An idle keep-alive connection holds its worker thread (httplib polls it).
// 1 s covers a client that reuses its connection right away (chapter 01's
// loop) without pinning threads long after a burst.
constexpr time_t keep_alive_s = 1;

class threads_engine final : public server::engine {
 public:
  explicit threads_engine(const server_options& options)
      : engine(options, "threads"), stop_signal_(std::make_shared<stop_signal>()) {
    http_.new_task_queue = [this] {
      return new growing_thread_pool(options_.threads, stats_, options_.quiet);
    };
    http_.set_keep_alive_timeout(keep_alive_s);
    http_.set_socket_options([this](int fd) {
      int on = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
#ifdef TCP_DEFER_ACCEPT
      // Accept a connection once its request has arrived, not at the
      // handshake. httplib's worker waits for a request by polling every
      // 10 ms (its keep-alive loop); a thousand workers handed connections
      // whose clients had not yet written spun there, and took the CPU their
      // own requests needed. The kernel turns the seconds into SYN-ACK
      // retries; a client still silent after them is accepted as before.
      int defer_s = 1;
      if (::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_s, sizeof defer_s) !=
              0 &&
          !options_.quiet)
        std::perror("mock_server: TCP_DEFER_ACCEPT (workers will poll idle clients)");
#endif
      listen_fd_ = fd;
    });
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      handle(req, res);
    };
    http_.Get(".*", handler).Post(".*", handler).Put(".*", handler);
    http_.Delete(".*", handler).Patch(".*", handler).Options(".*", handler);

    errno = 0;
    port_ = options_.port == 0
                ? http_.bind_to_any_port(options_.host)
                : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port_ <= 0) throw std::runtime_error(listen_error(options_, errno));
    ::listen(listen_fd_, listen_backlog);

    listener_ = std::thread([this] { http_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it.
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~threads_engine() override {
    stop();
  }
  threads_engine(const threads_engine&) = delete;
  threads_engine& operator=(const threads_engine&) = delete;

  [[nodiscard]] int port() const override {
    return port_;
  }

  void stop() override {
    const std::scoped_lock lock(stop_mutex_);
    if (!listener_.joinable()) return;
    stop_signal_->raise();  // wakes every parked request: they answer 503
    http_.stop();           // closes the listening socket; joins the pool
    listener_.join();
  }

 private:
  void handle(const httplib::Request& hreq, httplib::Response& res);

  httplib::Server http_;
  std::shared_ptr<stop_signal> stop_signal_;
  std::mutex stop_mutex_;
  std::thread listener_;
  int listen_fd_ = -1;
  int port_ = -1;
};

void threads_engine::handle(const httplib::Request& hreq, httplib::Response& res) {
  request req{hreq.method, hreq.target, {}, hreq.remote_addr};
  for (const auto& [name, value] : hreq.headers) {
    // httplib adds the connection's addresses as if they were headers.
    if (name == "LOCAL_ADDR" || name == "LOCAL_PORT" || name == "REMOTE_ADDR" ||
        name == "REMOTE_PORT")
      continue;
    req.headers.emplace_back(name, value);
  }

  auto plan = route(req, stats_, options_);
  const auto queue_ms = growing_thread_pool::take_queue_ms();
  if (plan.counted) stats_.begin(plan.route, queue_ms);

  bool answered = true;
  if (plan.hang) {
    answered = false;
    wait_while_client_connected(hreq.local_port, hreq.remote_port, *stop_signal_);
  } else {
    answered = stop_signal_->wait_for(plan.delay);
  }
  if (!answered) {  // the client left, or the server is stopping: cut it short
    res.status = 503;
    res.set_content(error_body("server stopping"), "application/json");
    if (plan.counted) stats_.end(/*abandoned=*/!stop_signal_->raised());
    return;
  }

  res.status = plan.status;
  res.set_header("Server-Timing", server_timing(queue_ms.value_or(0), plan));
  if (plan.drip.count() == 0) {
    res.set_content(plan.body, plan.content_type);
    if (plan.counted) stats_.end(/*abandoned=*/false);
    return;
  }
  // /drip: the body goes out in pieces, each after its share of the duration.
  const auto size = plan.body.size();
  const auto chunk = (size + plan.drip_chunks - 1) / plan.drip_chunks;
  const auto pause = plan.drip / plan.drip_chunks;
  auto stop = stop_signal_;
  res.set_content_provider(
      size, plan.content_type,
      [body = std::move(plan.body), chunk, pause, stop](std::size_t offset, std::size_t,
                                                        httplib::DataSink& sink) {
        if (!stop->wait_for(pause)) return false;  // stopping: cut the body
        return sink.write(body.data() + offset, std::min(chunk, body.size() - offset));
      },
      [this, counted = plan.counted](bool success) {
        if (counted) stats_.end(/*abandoned=*/!success);
      });
}

}  // namespace

std::unique_ptr<server::engine> make_threads_engine(const server_options& options) {
  return std::make_unique<threads_engine>(options);
}

}  // namespace inflight::mock
