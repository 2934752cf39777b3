// Running one chapter executable as a child process: its own process, so its
// CPU time and peak memory are its own and a crash cannot take the tour down.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace inflight::tour {

struct child_result {
  int exit_status = -1;      // -1: it did not exit normally
  std::string how_it_ended;  // "exit 1", "killed by signal 11", "cannot start ..."
  std::string out;
  std::string err;
};

// Runs `executable args...` to the end, calling `waiting` about every 100 ms
// while it runs (the tour's progress line), and returns as soon as it exits. Output goes
// to temporary files, not pipes, so a chatty child never blocks on a full pipe.
child_result run_child(const std::string& executable,
                       const std::vector<std::string>& args,
                       const std::function<void(double elapsed_s)>& waiting);

}  // namespace inflight::tour
