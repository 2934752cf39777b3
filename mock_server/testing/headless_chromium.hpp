// A headless Chromium driven over the DevTools protocol (CDP) on a pipe, for
// tests of the pages mock_server serves. Test helper only: one page, one thread,
// the few commands a test needs; no WebSocket, no Node, no Python.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_server/testing/chromium_pipe.hpp"

namespace inflight::mock::test {

// The Chromium to drive: $INFLIGHT_CHROMIUM when set (even a wrong path, so that
// it fails loudly), else the first of chromium, chromium-browser, google-chrome on
// $PATH; nullopt when there is none.
std::optional<std::string> find_chromium();

// Each call sends a command on the page's session and reads messages until its
// reply; events that come meanwhile are recorded (requested_urls, load events).
// Nothing reads the pipe between calls, so one thread drives it.
class headless_chromium {
 public:
  // Starts `executable`, attaches to its page and enables the Page, Runtime and
  // Network domains. Throws std::runtime_error when that fails, quoting the end
  // of Chromium's log when it exited.
  explicit headless_chromium(const std::string& executable);
  // Browser.close, then chromium_pipe waits for it to exit (SIGKILL after 5 s)
  // and removes its profile. Never throws.
  ~headless_chromium();
  headless_chromium(const headless_chromium&) = delete;
  headless_chromium& operator=(const headless_chromium&) = delete;

  // Goes to `url` and waits for its load event. Throws when the navigation fails
  // (with the reason, e.g. net::ERR_CONNECTION_REFUSED) or the timeout passes. A
  // same-document navigation (only the #fragment changes) fires no load event.
  void navigate(const std::string& url,
                std::chrono::milliseconds timeout = std::chrono::seconds{10});
  // The value of a JavaScript expression, a promise's once settled; null when it
  // has no JSON form (undefined, a function, NaN). Throws with the exception's
  // text when the script throws or the promise rejects.
  nlohmann::json evaluate(const std::string& expression,
                          std::chrono::milliseconds timeout = std::chrono::seconds{10});
  // Evaluates `expression` every 50 ms until its value is truthy (in
  // JavaScript's sense); false when the timeout passes first. An exception
  // throws, as it would not go away by waiting: write `a?.b` for what comes later.
  bool wait_until(const std::string& expression, std::chrono::milliseconds timeout);
  // Every URL the page asked for, in order, from Network.requestWillBeSent: the
  // page itself, what it loaded and fetched, also what failed or was blocked.
  // Events are read with the replies they precede, so this is complete as of
  // the last call that the page answered.
  [[nodiscard]] std::vector<std::string> requested_urls() const { return urls_; }
  // The page as a PNG, at the viewport's size (Chromium's default window until
  // set_viewport).
  std::string screenshot_png();
  // The page's viewport, in CSS pixels of one device pixel each.
  void set_viewport(int width, int height);

  // The browser's process id (Debian's /usr/bin/chromium script execs it).
  [[nodiscard]] pid_t pid() const { return pipe_.pid(); }

 private:
  // Sends `method` and reads messages until its reply: its "result", or a throw
  // with its "error". Until attach() has a session, commands go to the browser.
  nlohmann::json call(const std::string& method, const nlohmann::json& params,
                      chromium_pipe::deadline until);
  // pipe_.receive, recording the events we keep.
  std::optional<nlohmann::json> receive(chromium_pipe::deadline until);
  void attach();

  chromium_pipe pipe_;
  std::string session_id_;  // the page's, from Target.attachToTarget
  long next_id_ = 1;
  std::vector<std::string> urls_;
  std::vector<std::string> loaded_;  // loaderIds whose load event came
};

}  // namespace inflight::mock::test
