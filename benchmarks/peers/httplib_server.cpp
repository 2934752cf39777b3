// A delay server on cpp-httplib, the server library many C++ developers reach
// for: it hands each connection to a thread pool, chapter 02's model on the
// server side, so a pool of T threads holds T requests in flight and the rest
// wait their turn. The benchmarks' peer server (httplib_bench.cpp), with
// /stats counting what it holds; mock_server/README.md shows its core.
//   httplib_server [--port N] [--threads T]   default: any port, cpp-httplib's pool
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  int port = 0;
  int threads = 0;  // 0: cpp-httplib's own pool (8 threads on a small machine)
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    (option == "--threads" ? threads : port) = std::stoi(argv[i + 1]);
  }
  // [snippet:delay_server]
  httplib::Server server;
  if (threads > 0)  // a pool sized to the load, instead of the library's default
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // GET /delay/S: the pool thread serving it sleeps S seconds, then answers.
  server.Get(R"(/delay/(\d+(?:\.\d+)?))", [](const httplib::Request& req,
                                             httplib::Response& res) {
    const double seconds = std::min(std::stod(req.matches[1]), 10.0);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    res.set_content("{\"delay_s\": " + req.matches[1].str() + "}", "application/json");
  });
  // [/snippet]

  // /stats, as far as the benchmark reads it: requests in flight and their
  // peak, counted around every request but the /stats ones. (cpp-httplib has
  // no hook at accept, so the queueing delay is not measured: -1.)
  std::atomic<int> in_flight{0}, peak{0}, served{0};
  const auto counted = [](const httplib::Request& req) {
    return req.path.rfind("/stats", 0) != 0;
  };
  server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response&) {
    if (counted(req)) {
      const int now = ++in_flight;
      for (int was = peak; now > was && !peak.compare_exchange_weak(was, now);) {
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_post_routing_handler([&](const httplib::Request& req, httplib::Response&) {
    if (counted(req)) --in_flight, ++served;
  });
  server.Get("/stats", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "{\"engine\": \"cpp-httplib\", \"served\": " + std::to_string(served) +
            ", \"in_flight\": " + std::to_string(in_flight) + ", \"peak_in_flight\": " +
            std::to_string(peak) + ", \"queue_ms\": {\"p99\": -1}}",
        "application/json");
  });
  server.Post("/stats/reset", [&](const httplib::Request&, httplib::Response& res) {
    peak = in_flight.load();
    served = 0;
    res.set_content("{\"reset\": true}", "application/json");
  });

  // [snippet:listen]
  // cpp-httplib listens with a backlog of 5, fixed when it is built: a burst past it
  // loses its SYNs, which the clients send again a second later. Sized for the load
  // (--threads), the listen queue is too (listen() again updates it).
  int listening = -1;
  server.set_socket_options([&listening](socket_t fd) {
    httplib::default_socket_options(fd);  // SO_REUSEADDR
    listening = fd;
  });

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) return std::perror("bind"), 1;
  if (threads > 0) ::listen(listening, SOMAXCONN);
  std::printf("listening on http://127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
  // [/snippet]
}
