// 01_sync: N blocking GETs, one after another. The story: parse the options,
// find the server, run the loop of sync.cpp, report.
#include <iostream>

#include "01_sync/sync.hpp"
#include "harness/session.hpp"

using namespace inflight;

int main(int argc, char** argv) {
  bool fresh = false;
  const harness::chapter_spec chapter{
      "01_sync",
      "N blocking GETs with libcurl's easy interface, one after another",
      "",  // one at a time is the model: there is no bound to set
      {{"--fresh-handle", "", "a new easy handle, so a new connection, per request",
        [&fresh](std::string_view) { fresh = true; }}}};
  const harness::run_options options = harness::parse_or_exit(chapter, argc, argv);
  try {
    harness::session session{chapter.name, options};
    const auto policy = fresh ? ch01::handle_policy::fresh : ch01::handle_policy::reuse;
    const harness::run_clock clock;
    auto records = ch01::fetch_all(session.urls(), policy, options.timeout_s, clock);
    return session.finish({ch01::model_name(policy), harness::model_shape::sequential},
                          std::move(records), clock);
  } catch (const std::exception& e) {
    std::cerr << chapter.name << ": " << e.what() << "\n";
    return 1;
  }
}
