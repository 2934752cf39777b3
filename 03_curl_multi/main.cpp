// 03_curl_multi: every request in flight at once, on one thread. The story:
// parse the options, make room for the sockets and find the server
// (harness::run_chapter), run the batch with one of the two drivers, report.
#include "03_curl_multi/curl_multi.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  ch03::settings how;
  harness::chapter_spec chapter{
      "03_curl_multi",
      "N GETs in flight at once on one thread, with libcurl's multi interface",
      "transfers added to the multi handle at once; the next is added as one finishes",
      {{"--driver", "poll|socket",
        "how to wait: curl_multi_poll, or socket_action over epoll (default socket; "
        "poll with --http2 on a libcurl before 8.13)",
        [&how](std::string_view value) {
          if (value == "poll") {
            how.driver = ch03::driver::poll;
          } else if (value == "socket") {
            how.driver = ch03::driver::socket_action;
          } else {
            throw harness::usage_error("--driver: expected 'poll' or 'socket', got '" +
                                       std::string(value) + "'");
          }
        }}}};
  chapter.http2 = true;
  return harness::run_chapter(chapter, argc, argv, [&how](harness::session& session) {
    how.max_in_flight = session.options().max_in_flight;
    how.timeout_s = session.options().timeout_s;
    how.http2 = session.options().http2;
    const harness::run_clock clock;
    ch03::http2_prelude prelude;
    auto records = ch03::fetch_all(session.urls(), how, clock, &prelude);
    const auto model = harness::bounded_model(
        std::string(ch03::chosen_driver(how, records.size()) == ch03::driver::poll
                        ? "curl multi, curl_multi_poll (one thread)"
                        : "curl multi, socket_action + epoll (one thread)") +
            (how.http2 && prelude.notes.empty() ? ", HTTP/2 streams" : ""),
        records.size(), how.max_in_flight);
    return session.finish(model, std::move(records), clock, std::move(prelude.notes),
                          std::move(prelude.warmups));
  });
}
