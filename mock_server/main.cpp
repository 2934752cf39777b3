// mock_server: the bundled delay server as a program. Prints the URL it
// listens on as its first line, serves until SIGINT or SIGTERM, stops cleanly.
#include <csignal>
#include <cstdio>
#include <exception>

#include "mock_server/cli.hpp"
#include "mock_server/server.hpp"

namespace mock = inflight::mock;

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
    if (!options.quiet)
      std::fprintf(stderr, "engine: %s; max delay %g s; stop with Ctrl-C\n",
                   mock::to_string(options.engine).c_str(), options.max_delay_s);
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
