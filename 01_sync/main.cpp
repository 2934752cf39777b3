// 01_sync: N blocking GETs, one after another. The story: parse the options
// and find the server (harness::run_chapter), run the loop of sync.cpp, report.
#include "01_sync/sync.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  bool fresh = false;
  harness::chapter_spec chapter{
      "01_sync",
      "N blocking GETs with libcurl's easy interface, one after another",
      "",  // one at a time is the model: there is no bound to set
      {{"--fresh-handle", "", "a new easy handle, so a new connection, per request",
        [&fresh](std::string_view) { fresh = true; }}},
      true,
      1};  // one request in flight, whatever N: one socket
  chapter.http2 = true;
  return harness::run_chapter(chapter, argc, argv, [&fresh](harness::session& session) {
    const auto policy = fresh ? ch01::handle_policy::fresh : ch01::handle_policy::reuse;
    const harness::run_clock clock;
    const double timeout_s = session.options().timeout_s;
    auto records = session.options().http2
                       ? ch01::fetch_all_http2(session.urls(), policy, timeout_s, clock)
                       : ch01::fetch_all(session.urls(), policy, timeout_s, clock);
    return session.finish(
        {ch01::model_name(policy) + (session.options().http2 ? ", HTTP/2" : ""),
         harness::model_shape::sequential},
        std::move(records), clock);
  });
}
