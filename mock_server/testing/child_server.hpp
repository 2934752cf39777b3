// The mock_server program as a child process, for tests that need it to have
// its own descriptor table: under a low `ulimit -n`, or holding 10,000
// connections while the test holds the other 10,000 ends. Test helper only.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "mock_server/server.hpp"

namespace inflight::mock::test {

class child_server {
 public:
  // Starts `mock_server --engine <engine> --port 0` and waits for its
  // "listening on" line. `descriptor_limit`: its soft and hard RLIMIT_NOFILE,
  // so that it cannot raise them. `thread_limit`: its RLIMIT_NPROC (run as
  // `nobody` when we are root, whom the limit does not bind), so that it cannot
  // start more threads; `threads`: its --threads, when not 0.
  // Throws std::runtime_error when it cannot start.
  explicit child_server(engine_kind engine, std::optional<long> descriptor_limit = {},
                        bool quiet = true, std::optional<long> thread_limit = {},
                        int threads = 0);
  ~child_server();  // SIGTERM, then waits for it
  child_server(const child_server&) = delete;
  child_server& operator=(const child_server&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const;
  // What it wrote to stderr so far.
  [[nodiscard]] std::string error_output() const;
  // Its user + system CPU time so far, from /proc.
  [[nodiscard]] double cpu_seconds() const;
  // Its resident memory now (VmRSS), from /proc.
  [[nodiscard]] double resident_mib() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string stderr_path_;
};

}  // namespace inflight::mock::test
