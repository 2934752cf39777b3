// Running a chapter executable from a test, the way a reader would, and
// capturing what it printed and how it exited.
#pragma once

#include <string>
#include <vector>

#include "harness/temp_file.hpp"

namespace inflight::test_support {

struct command_result {
  int exit_status = -1;  // -1: killed by a signal
  std::string out;
  std::string err;
};

// Runs `executable args...` with stdin from /dev/null and waits for it.
command_result run_command(const std::string& executable,
                           const std::vector<std::string>& args);

// A new file in the temporary directory holding `text` (its name: .path()),
// removed when the returned object is destroyed.
harness::temp_file write_temp_file(const std::string& name, const std::string& text);

}  // namespace inflight::test_support
