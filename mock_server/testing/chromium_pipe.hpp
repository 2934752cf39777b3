// Headless Chromium as a child process that speaks the DevTools protocol on two
// pipes: it reads commands from its descriptor 3 and writes replies and events
// to its 4, each a JSON text ended by a NUL byte. Transport only: what the
// messages say is headless_chromium's business.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace inflight::mock::test {

class chromium_pipe {
 public:
  using deadline = std::chrono::steady_clock::time_point;

  // Starts `executable` headless on about:blank, with a new profile in a
  // temporary directory and its output in a log there. Throws
  // std::runtime_error when it cannot be started.
  explicit chromium_pipe(const std::string& executable);
  // Closes the pipes (which tells Chromium to quit), waits for it, SIGKILL
  // after 5 s, and removes the directory. Never throws.
  ~chromium_pipe();
  chromium_pipe(const chromium_pipe&) = delete;
  chromium_pipe& operator=(const chromium_pipe&) = delete;

  // Both throw std::runtime_error saying "chromium exited", with the end of its
  // log, when it has gone; neither blocks past `until`.
  void send(const nlohmann::json& message, deadline until);
  // The next message, or nullopt when none came by `until`.
  std::optional<nlohmann::json> receive(deadline until);

  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  void stop() noexcept;  // the destructor, also for a constructor that throws
  std::runtime_error gone(const std::string& how);
  bool reap(deadline until);  // true once it has exited and been waited for
  [[nodiscard]] std::string log_tail() const;

  std::string temp_dir_;  // its profile and its log
  pid_t pid_ = -1;
  std::optional<std::string> exited_;  // how, once reaped: its pid is no longer ours
  int to_browser_ = -1;                // our end of its descriptor 3
  int from_browser_ = -1;              // our end of its descriptor 4
  std::string unread_;                 // what came after the last NUL
};

}  // namespace inflight::mock::test
