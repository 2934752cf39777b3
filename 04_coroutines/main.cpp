// 04_coroutines: every request in flight at once on one thread, written as
// coroutines. The story, like asyncio.run(main()): parse the options, make
// room for the sockets and find the server (harness::run_chapter), create the
// tasks and gather them on the event loop, report.
#include <optional>

#include "04_coroutines/coroutines.hpp"
#include "04_coroutines/files.hpp"
#include "harness/session.hpp"
#include "harness/text.hpp"

using namespace inflight;

namespace {

enum class demo { none, stall, offload, files, files_offload };

// The files demo: enough to take the disk a noticeable time, little enough
// for a shared machine's /tmp. A real program's files are whatever they are.
constexpr std::size_t demo_files = 4;
constexpr std::size_t demo_file_bytes = 32 << 20;  // 32 MiB each

}  // namespace

int main(int argc, char** argv) {
  demo shown = demo::none;
  harness::chapter_spec chapter{
      "04_coroutines",
      "N GETs in flight at once on one thread, as C++20 coroutines (co_await)",
      "requests holding a permit of the semaphore at once; the others wait for one",
      {{"--demo", "stall|offload|files|files-offload",
        "request 0 makes a blocking call: straight from its coroutine (stall) or "
        "through to_thread (offload); or 4 files of 32 MiB are read beside the "
        "requests, straight (files) or through to_thread (files-offload)",
        [&shown](std::string_view value) {
          if (value == "stall") {
            shown = demo::stall;
          } else if (value == "offload") {
            shown = demo::offload;
          } else if (value == "files") {
            shown = demo::files;
          } else if (value == "files-offload") {
            shown = demo::files_offload;
          } else {
            throw harness::usage_error(
                "--demo: expected 'stall', 'offload', 'files' or 'files-offload', got '" +
                std::string(value) + "'");
          }
        }}}};
  chapter.http2 = true;
  return harness::run_chapter(chapter, argc, argv, [&shown](harness::session& session) {
    ch04::settings how;
    how.max_in_flight = session.options().max_in_flight;
    how.timeout_s = session.options().timeout_s;
    how.http2 = session.options().http2;
    if (how.http2 && shown != demo::none) {
      throw harness::usage_error("--http2 goes with the plain run, not with --demo");
    }
    // The files demo's files are written before the clock starts: only the
    // reads belong to the run.
    std::optional<ch04::scratch_files> files;
    if (shown == demo::files || shown == demo::files_offload)
      files.emplace(demo_files, demo_file_bytes);
    const harness::run_clock clock;
    ch04::event_loop loop{clock};
    harness::model_info model =
        harness::bounded_model("coroutines on one event loop (co_await)",
                               session.urls().size(), how.max_in_flight);
    // [snippet:main]
    if (shown == demo::none) {
      // asyncio.run(main()): the loop runs until fetch_all's task has ended.
      ch03::http2_prelude prelude;  // --http2: the warm-ups
      auto records = loop.run(ch04::fetch_all(loop, session.urls(), how, &prelude));
      return session.finish(model, std::move(records), clock, std::move(prelude.notes),
                            std::move(prelude.warmups));
    }
    // [/snippet]
    if (files) {
      const bool offload = shown == demo::files_offload;
      const std::string epoll = ch04::epoll_on_a_file(files->paths().front());
      auto result =
          loop.run(ch04::files_demo(loop, session.urls(), files->paths(), offload, how));
      model.name = offload ? "coroutines, files read through to_thread"
                           : "coroutines, files read on the loop thread";
      const std::vector<std::string> notes{
          "files        " + std::to_string(demo_files) + " x " +
              std::to_string(demo_file_bytes >> 20) + " MiB read, the last done at " +
              harness::format_fixed(result.reads_end_s, 3) + " s",
          "epoll        refuses a regular file: " + epoll,
          "timer        due at 5 ms, fired " +
              harness::format_fixed(result.timer_late_s * 1000, 1) + " ms late"};
      return session.finish(model, std::move(result.records), clock, notes);
    }
    const bool offload = shown == demo::offload;
    auto result = loop.run(ch04::stall_demo(loop, session.urls(), offload, how));
    model.name = offload ? "coroutines, request 0 through to_thread"
                         : "coroutines, request 0 blocking the loop thread";
    const std::string note = "timer        due at 50 ms, fired " +
                             harness::format_fixed(result.timer_late_s * 1000, 1) +
                             " ms late";
    return session.finish(model, std::move(result.records), clock, {note});
  });
}
