// See threads_connection.hpp. Every wait is wait_on(): the socket, the stop
// signal and a deadline in one poll(), so a thread parked on a slow or silent
// client costs no CPU, and a stop wakes it at once.
#include "mock_server/threads/threads_connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string_view>
#include <utility>

#include "mock_server/core/routes.hpp"
#include "mock_server/http1/http_head.hpp"
#include "mock_server/http1/http_reply.hpp"

namespace inflight::mock {
namespace {

class connection {
 public:
  connection(int fd, std::string origin, connection_context& context)
      : fd_(fd), c_(context), origin_(std::move(origin)) {}
  void serve(double queue_ms);
  [[nodiscard]] bool refused() const { return refused_; }

 private:
  enum class outcome { keep_open, close, stopped, client_gone };
  bool read_head(head_result& parsed, steady::time_point idle_until,
                 steady::time_point& request_until);
  bool skip_body(std::uint64_t length, steady::time_point deadline);
  bool answer(const request_head& head, std::optional<double> queue_ms);
  struct in_flight;
  outcome carry_out(in_flight& request, const request_head& head, double queue_ms);
  bool receive(steady::time_point deadline);
  woken send_all(std::string_view head, std::string_view body = {});
  void refuse(int status, const std::string& message);

  int fd_;
  connection_context& c_;
  std::string origin_;
  // The reset it was last counted after (/stats: connections_opened).
  std::uint64_t counted_in_ = request_stats::never_counted;
  std::string in_;          // received, not yet read: a pipelined request waits here
  bool peer_done_ = false;  // the client half-closed: answer what it sent, then close
  bool refused_ = false;
};

void connection::serve(double queue_ms) {
  std::optional<double> queue = queue_ms;  // /stats times the first request only
  // The idle timeout runs from accept, not from when this thread took the
  // connection: one that idled in the queue past it is closed at once.
  auto idle_until = steady::now() -
                    std::chrono::duration_cast<steady::duration>(
                        std::chrono::duration<double, std::milli>(queue_ms)) +
                    c_.limits.idle_timeout;
  head_result parsed;
  steady::time_point deadline;  // the request's, from its first byte: head and body
  while (!c_.stop.raised() && read_head(parsed, idle_until, deadline)) {
    if (parsed.state == head_result::refused) return refuse(parsed.status, parsed.error);
    in_.erase(0, parsed.size);
    if (parsed.head.expects_continue &&
        send_all("HTTP/1.1 100 Continue\r\n\r\n") != woken::ready)
      return;
    if (!skip_body(parsed.head.content_length, deadline)) return;
    if (!answer(parsed.head, queue)) return;
    queue.reset();
    idle_until = steady::now() + c_.limits.idle_timeout;
  }
}

// Reads until `in_` holds a whole head (or a refusal). `idle_until` until a
// request starts; from its first byte, `request_until` (set here) for the
// whole request, so a byte every few seconds does not keep a connection
// (slowloris), and the body gets what the head left.
bool connection::read_head(head_result& parsed, steady::time_point idle_until,
                           steady::time_point& request_until) {
  request_until = steady::now() + c_.limits.request_timeout;
  auto deadline = in_.empty() ? idle_until : request_until;
  for (;;) {
    parsed = parse_head(in_, c_.limits);
    if (parsed.state != head_result::incomplete) return true;
    const bool started = !in_.empty();
    if (!receive(deadline)) {
      if (started && !peer_done_ && steady::now() >= deadline && !c_.stop.raised())
        refuse(408, late_request(c_.limits));
      return false;
    }
    if (!started) deadline = request_until = steady::now() + c_.limits.request_timeout;
  }
}

// A body is read and dropped: no route uses one (POST /stats/reset ignores it).
bool connection::skip_body(std::uint64_t length, steady::time_point deadline) {
  for (;;) {
    const auto have = std::min<std::uint64_t>(length, in_.size());
    in_.erase(0, have);
    length -= have;
    if (length == 0) return true;
    if (!receive(deadline)) {
      if (!peer_done_ && steady::now() >= deadline && !c_.stop.raised())
        refuse(408, late_request(c_.limits));
      return false;
    }
  }
}

// More bytes into in_. False: the deadline, a stop, the client's end.
bool connection::receive(steady::time_point deadline) {
  while (!peer_done_ && wait_on(fd_, POLLIN, deadline, c_.stop) == woken::ready) {
    char buffer[16384];
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) return in_.append(buffer, static_cast<std::size_t>(n)), true;
    if (n == 0) peer_done_ = true;  // a FIN: no more requests, answers still wanted
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
  }
  return false;
}

// A request in flight owns its plan: begin() has one end(), and the bytes
// taken go back to the budget once the body is freed, whatever happens in
// between, an exception included.
struct connection::in_flight {
  in_flight(connection_context& context, reply routed, std::size_t taken,
            const std::string& address, bool share)
      : c(context),
        plan(std::move(routed)),
        held(taken),
        client(address),
        shared(share) {}
  connection_context& c;
  reply plan;
  std::size_t held;           // bytes taken from the budget
  const std::string& client;  // the connection's address, which outlives this
  bool shared;                // `held` was taken from the address's share too
  bool ended = false;
  // Answered (false) or abandoned by its client (true); the first call counts.
  void end(bool abandoned) {
    if (!ended && plan.counted) c.stats.end(abandoned, client);
    ended = true;
  }
  in_flight(const in_flight&) = delete;
  in_flight& operator=(const in_flight&) = delete;
  ~in_flight() {
    end(/*abandoned=*/true);
    std::string().swap(plan.body);
    c.budget.give_back(held);
    if (shared) c.stats.give_back_client_bytes(client, held);
  }
};

// One request: route it, carry its plan out, count it. False: close.
bool connection::answer(const request_head& head, std::optional<double> queue_ms) {
  // The budget that is left goes to the router, which refuses a body too big
  // for it before building it, and what the plan holds is taken (and the
  // request begun) before another thread routes (answer_budget::routing).
  reply plan;
  const auto held_by = [&head](const reply& r) {
    return head.method == "HEAD" ? 0 : r.length;
  };
  bool taken = false;
  // Serving a room, the address's share of the budget too (limits.hpp).
  const bool per_client = c_.options.limits.max_bytes_per_client > 0;
  {
    const std::scoped_lock lock(c_.budget.routing());
    const auto left = std::min(
        c_.budget.left(), per_client ? c_.stats.client_bytes_left(origin_) : SIZE_MAX);
    plan = route({head.method, head.target, head.headers, origin_, head.version},
                 c_.stats, c_.options, left);
    taken = !plan.refused && c_.budget.take(held_by(plan));
    if (taken && per_client && !c_.stats.take_client_bytes(origin_, held_by(plan))) {
      c_.budget.give_back(held_by(plan));
      taken = false;
    }
    // Begun before another thread routes: the router's check of the
    // address's requests in flight (a room's limit) counts this one.
    if (taken && plan.counted) c_.stats.begin(plan.route, queue_ms, origin_);
  }
  const auto held = held_by(plan);
  if (!taken) {
    refuse(503, c_.stats.busy_for(origin_, c_.budget.left(), c_.options));
    return false;
  }
  if (plan.counted) c_.stats.count_connection(counted_in_, /*h2=*/false);
  in_flight request{c_, std::move(plan), held, origin_, per_client};
  return carry_out(request, head, queue_ms.value_or(0)) == outcome::keep_open;
}

connection::outcome connection::carry_out(in_flight& request, const request_head& head,
                                          double queue_ms) {
  const auto& plan = request.plan;
  // While a request waits, a FIN is a half-close (`nc -N`) or a client that
  // gave up and closed (curl's timeout): TCP cannot tell them apart until we
  // send something. So, as the events engine does, we send a 1xx interim
  // answer, which HTTP/1.1 clients skip (RFC 9110 15.2); a closed socket
  // answers it with a reset, and the wait goes on until a reset or the end.
  // /hang never answers: there a FIN means the client left.
  const auto until = plan.hang ? steady::time_point::max() : steady::now() + plan.delay;
  short watch = POLLRDHUP;
  auto w = wait_on(fd_, watch, until, c_.stop);
  for (; w == woken::ready && !plan.hang; w = wait_on(fd_, watch, until, c_.stop)) {
    watch = 0;  // from here on, only a reset (or the end) ends the wait
    if (head.version == "HTTP/1.1") w = send_all("HTTP/1.1 102 Processing\r\n\r\n");
    if (w != woken::ready) break;
  }
  if (w == woken::ready) w = woken::client_gone;  // a FIN: it left /hang
  if (w == woken::stopped) {
    request.end(/*abandoned=*/false);
    send_all(refusal_answer(503, "server stopping"));
    return outcome::stopped;
  }
  if (w == woken::client_gone) return outcome::client_gone;  // abandoned
  // The delay is over. Keep the connection only if no one waits for a thread.
  const bool close = !head.keep_alive || peer_done_ || c_.others_waiting();
  const bool body = head.method != "HEAD" && has_body(plan.status);
  const bool at_once = !body || plan.drip.count() == 0;
  // An answer counts as sent once it is written whole, as in the events
  // engine; a client that then reads slowly holds its bytes, not the count.
  if (at_once) request.end(/*abandoned=*/false);
  const std::string made = body && at_once && plan.made_at_send
                               ? body_piece(plan, 0, plan.length)
                               : std::string();
  w = send_all(reply_head(plan, queue_ms, close), !body || !at_once ? std::string_view()
                                                  : plan.made_at_send
                                                      ? std::string_view(made)
                                                      : std::string_view(plan.body));
  // /drip: the body in pieces, each after its share of the duration.
  const auto chunk = (plan.length + plan.drip_chunks - 1) / plan.drip_chunks;
  for (std::size_t sent = 0; !at_once && w == woken::ready && sent < plan.length;
       sent += chunk) {
    w = wait_on(fd_, 0, steady::now() + plan.drip / plan.drip_chunks, c_.stop);
    if (w == woken::timed_out) w = send_all({}, body_piece(plan, sent, chunk));
  }
  request.end(/*abandoned=*/w == woken::client_gone);
  if (w == woken::ready) return close ? outcome::close : outcome::keep_open;
  return w == woken::stopped ? outcome::stopped : outcome::client_gone;
}

woken connection::send_all(std::string_view head, std::string_view body) {
  return send_whole(fd_, head, body, c_.limits.send_timeout, c_.stop);
}

// A request the engine will not serve: a JSON error, counted, then close.
void connection::refuse(int status, const std::string& message) {
  refused_ = true;
  c_.stats.note_refused();
  send_all(refusal_answer(status, message));
}

}  // namespace

void serve_connection(int fd, const std::string& origin, double queue_ms,
                      connection_context& context) {
  bool refused = false;
  try {
    connection c(fd, origin, context);
    c.serve(queue_ms);
    refused = c.refused();
  } catch (...) {
    // The engine's boundary. route() never throws (it answers 500 itself);
    // this is the net for std::bad_alloc and the like. A 500 without waiting,
    // in case no answer had started (else it is cut short either way).
    refused = true;
    context.stats.note_internal_error();
    try {  // out of memory, building the answer throws again
      const auto bytes = refusal_answer(500, "internal error");
      [[maybe_unused]] const auto sent =
          ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    } catch (...) {
    }
  }
  if (refused)
    linger_and_close(fd, context.stop);
  else
    ::close(fd);
}

void refuse_connection(int fd, int status, const std::string& message) {
  // Read what already arrived (see linger_and_close()), then one send that
  // does not wait: the accepting thread must never block on a client.
  char buffer[16384];
  while (::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0) {
  }
  const auto bytes = refusal_answer(status, message);
  [[maybe_unused]] const auto sent =
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

}  // namespace inflight::mock
