// mock_server: the bundled delay server as a program. Prints the URL it
// listens on as its first line, serves until SIGINT or SIGTERM, stops cleanly.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "mock_server/cli.hpp"
#include "mock_server/server.hpp"

namespace mock = inflight::mock;

namespace {

// The machine's IPv4 addresses other than loopback: what a room's laptops
// type when the server listens on all of them (0.0.0.0).
std::vector<std::string> network_addresses() {
  std::vector<std::string> out;
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0) return out;
  for (const auto* a = all; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = "";
    const auto& in = reinterpret_cast<const sockaddr_in&>(*a->ifa_addr);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    if (!mock::is_loopback(text)) out.emplace_back(text);
  }
  ::freeifaddrs(all);
  return out;
}

// For the instructor: where the page is, what each laptop may hold, and the
// --url each laptop passes to a chapter.
void describe_room(const mock::server_options& options, int port) {
  const auto& l = options.limits;
  const auto at = [port](const std::string& host) {
    return "http://" + host + ":" + std::to_string(port);
  };
  const bool everywhere = options.host == "0.0.0.0" || options.host == "::";
  auto hosts = everywhere ? network_addresses() : std::vector<std::string>{options.host};
  if (hosts.empty()) hosts.emplace_back(options.host);
  std::fprintf(stderr, "dashboard: %s/dashboard\n", at(hosts.front()).c_str());
  if (l.max_connections_per_client > 0 || l.max_bytes_per_client > 0 ||
      l.max_requests_per_second_per_client > 0 || l.max_in_flight_per_client > 0) {
    const auto kib = l.max_bytes_per_client / 1024;
    const auto bytes = kib % 1024 == 0 ? std::to_string(kib / 1024) + " MiB"
                                       : std::to_string(kib) + " KiB";
    std::fprintf(stderr,
                 "each address may hold %d connections, %d requests in flight and %s of "
                 "unread answers, and send %d requests a second (0: no limit; "
                 "--no-room-limits lifts them)\n",
                 l.max_connections_per_client, l.max_in_flight_per_client, bytes.c_str(),
                 l.max_requests_per_second_per_client);
  }
  if (mock::is_loopback(options.host)) return;
  for (const auto& host : hosts)
    std::fprintf(stderr,
                 "attendees: build/release/bin/03_curl_multi --url %s --requests 100\n",
                 at(host).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = mock::parse_command_line(argc, argv);
  if (std::holds_alternative<mock::cli_help>(parsed)) {
    std::fputs(mock::usage().c_str(), stdout);
    return 0;
  }
  if (const auto* error = std::get_if<mock::cli_error>(&parsed)) {
    std::fprintf(stderr, "mock_server: %s\n%s", error->message.c_str(),
                 mock::usage().c_str());
    return 2;
  }
  const auto& options = std::get<mock::server_options>(parsed);

  // Block the stop signals before any thread starts, so every thread inherits
  // the mask and only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill us

  try {
    mock::server server(options);
    std::printf("listening on %s\n", server.url().c_str());
    std::fflush(stdout);
    if (!options.quiet) {
      std::fprintf(stderr, "engine: %s; max delay %g s; stop with Ctrl-C\n",
                   mock::to_string(options.engine).c_str(), options.max_delay_s);
      describe_room(options, server.port());
    }
    int received = 0;
    sigwait(&stop_signals, &received);
    server.stop();
    if (!options.quiet) {
      const auto stats = server.stats();
      std::fprintf(stderr, "stopped: served %llu requests, peak %lld in flight\n",
                   static_cast<unsigned long long>(stats.served),
                   static_cast<long long>(stats.peak_in_flight));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mock_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
