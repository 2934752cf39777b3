// 04_asio: chapter 04's program on Boost.Asio + Beast, the loop a production
// program would use. The same story as 04's main: parse the options, find the
// server (harness::run_chapter), run every request on one thread, report.
#include "04_coroutines/asio/fetch.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  const harness::chapter_spec chapter{
      "04_asio",
      "04's N GETs on Boost.Asio's coroutines and Beast's HTTP client, one thread",
      "worker coroutines, each taking the next URL when it is done with one",
      {}};  // no options of its own
  return harness::run_chapter(chapter, argc, argv, [](harness::session& session) {
    ch04_asio::settings how;
    how.max_in_flight = session.options().max_in_flight;
    how.timeout_s = session.options().timeout_s;
    const harness::run_clock clock;
    const harness::model_info model =
        harness::bounded_model("Boost.Asio coroutines + Beast, one io_context",
                               session.urls().size(), how.max_in_flight);
    auto records = ch04_asio::fetch_all(session.urls(), how, clock);
    return session.finish(model, std::move(records), clock);
  });
}
