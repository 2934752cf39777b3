// 03_curl_multi: every request in flight at once, on one thread. The story:
// parse the options, make room for the sockets, find the server, run the
// batch with one of the two drivers, report.
#include <iostream>

#include "03_curl_multi/curl_multi.hpp"
#include "03_curl_multi/fd_limit.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  ch03::settings how;
  const harness::chapter_spec chapter{
      "03_curl_multi",
      "N GETs in flight at once on one thread, with libcurl's multi interface",
      "transfers added to the multi handle at once; the next is added as one finishes",
      {{"--driver", "poll|socket",
        "how to wait: curl_multi_poll, or socket_action over epoll (default socket)",
        [&how](std::string_view value) {
          if (value == "poll") {
            how.how = ch03::driver::poll;
          } else if (value == "socket") {
            how.how = ch03::driver::socket_action;
          } else {
            throw harness::usage_error("--driver: expected 'poll' or 'socket', got '" +
                                       std::string(value) + "'");
          }
        }}}};
  const harness::run_options options = harness::parse_or_exit(chapter, argc, argv);
  how.max_in_flight = options.max_in_flight;
  how.timeout_s = options.timeout_s;
  try {
    const std::size_t n = options.urls.empty() ? options.requests : options.urls.size();
    ch03::ensure_descriptors(ch03::descriptors_for(options));

    harness::session session{chapter.name, options};
    const harness::run_clock clock;
    auto records = ch03::fetch_all(session.urls(), how, clock);
    const bool bounded = how.max_in_flight && *how.max_in_flight < n;
    const harness::model_info model{
        how.how == ch03::driver::poll ? "curl multi, curl_multi_poll (one thread)"
                                      : "curl multi, socket_action + epoll (one thread)",
        bounded ? harness::model_shape::pool : harness::model_shape::concurrent,
        how.max_in_flight.value_or(n)};
    return session.finish(model, std::move(records), clock);
  } catch (const std::exception& e) {
    std::cerr << chapter.name << ": " << e.what() << "\n";
    return 1;
  }
}
