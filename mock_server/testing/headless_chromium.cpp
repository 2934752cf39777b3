// The DevTools protocol over chromium_pipe: one flat session to the page, commands
// matched to replies by id, events recorded while we wait. Left out: frames,
// more than one page, input events: whatever a test of our dashboard does not need.
#include "mock_server/testing/headless_chromium.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace inflight::mock::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using steady = std::chrono::steady_clock;

// Its first reply can take seconds on a busy 2-core machine: it starts a GPU
// process, a network service and a renderer before it has a page.
constexpr auto startup_timeout = 30s;
constexpr auto poll_interval = 50ms;  // between wait_until's checks

// Page.captureScreenshot's PNG comes as base64 (RFC 4648, padded).
std::string base64_decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  unsigned bits = 0;
  int count = 0;  // how many of `bits` are not yet in `bytes`
  for (const char c : text) {
    if (c == '=') break;
    const auto value = alphabet.find(c);
    if (value == std::string::npos)
      throw std::runtime_error("headless_chromium: a screenshot not in base64");
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return bytes;
}

// JavaScript's truthiness, for what evaluate returns (NaN comes back as null).
bool truthy(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0;
  if (value.is_string()) return !value.get<std::string>().empty();
  return !value.is_null();  // objects and arrays, even empty ones
}

}  // namespace

std::optional<std::string> find_chromium() {
  const char* chosen = std::getenv("INFLIGHT_CHROMIUM");
  if (chosen != nullptr && *chosen != '\0') return chosen;
  const char* path = std::getenv("PATH");
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
      const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

headless_chromium::headless_chromium(const std::string& executable) : pipe_(executable) {
  attach();  // should it throw, pipe_'s destructor ends the browser
}

headless_chromium::~headless_chromium() {
  // Browser.close is the protocol's way to quit (closing the pipe, which pipe_
  // does next, works too in Chromium 156); pipe_'s destructor then waits for it.
  try {
    pipe_.send({{"id", next_id_++}, {"method", "Browser.close"}}, steady::now() + 1s);
  } catch (...) {
    // gone already, or takes no commands: pipe_ kills it
  }
}

void headless_chromium::attach() {
  const auto until = steady::now() + startup_timeout;
  // The page it opened for about:blank; should none be listed yet, our own.
  // `targets` has a name because a range-for over call(...).at(...) would walk
  // a temporary destroyed before the loop starts (AddressSanitizer caught it).
  const json targets = call("Target.getTargets", {}, until);
  std::string target;
  for (const json& info : targets.at("targetInfos")) {
    if (info.at("type") != "page") continue;  // 156 also lists its "browser_ui" WebUIs
    target = info.at("targetId");
    break;
  }
  if (target.empty())
    target = call("Target.createTarget", {{"url", "about:blank"}}, until).at("targetId");
  // flatten: the page's commands and events travel on this same pipe, marked
  // with its sessionId, not wrapped in Target.sendMessageToTarget.
  const json attached =
      call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}}, until);
  session_id_ = attached.at("sessionId");
  for (const char* method : {"Page.enable", "Runtime.enable", "Network.enable"})
    call(method, {}, until);
  call("Page.setLifecycleEventsEnabled", {{"enabled", true}}, until);  // for navigate
}

void headless_chromium::navigate(const std::string& url,
                                 std::chrono::milliseconds timeout) {
  const auto until = steady::now() + timeout;
  const json reply = call("Page.navigate", {{"url", url}}, until);
  // A navigation that fails (refused, a blocked port) still replies: errorText.
  if (reply.contains("errorText"))
    throw std::runtime_error("headless_chromium: navigate to " + url + ": " +
                             reply["errorText"].get<std::string>());
  // Wait for the load event that names this navigation's loader: one from the
  // page before may still be on its way, and Page.loadEventFired names none.
  const std::string loader = reply.value("loaderId", "");
  while (std::find(loaded_.begin(), loaded_.end(), loader) == loaded_.end())
    if (!receive(until))
      throw std::runtime_error("headless_chromium: " + url + " did not load in " +
                               std::to_string(timeout.count()) + " ms");
}

json headless_chromium::evaluate(const std::string& expression,
                                 std::chrono::milliseconds timeout) {
  const json reply = call("Runtime.evaluate",
                          {{"expression", expression},
                           {"returnByValue", true},  // the value, not a handle to it
                           {"awaitPromise", true}},
                          steady::now() + timeout);
  if (const auto details = reply.find("exceptionDetails"); details != reply.end()) {
    // An Error's description is its message and stack; a thrown string or
    // number has only a value.
    const json exception = details->value("exception", json::object());
    const std::string text = exception.contains("description")
                                 ? exception["description"].get<std::string>()
                             : exception.contains("value") ? exception["value"].dump()
                                                           : details->value("text", "");
    throw std::runtime_error("headless_chromium: " + expression + " threw " + text);
  }
  return reply.at("result").value("value", json());
}

bool headless_chromium::wait_until(const std::string& expression,
                                   std::chrono::milliseconds timeout) {
  const auto until = steady::now() + timeout;
  for (;;) {
    // Each check may take the whole timeout: it is quick, unless it awaits a
    // promise that never settles, and then evaluate's timeout throws.
    if (truthy(evaluate(expression, timeout))) return true;
    const auto left = until - steady::now();
    if (left <= steady::duration::zero()) return false;
    std::this_thread::sleep_for(std::min<steady::duration>(poll_interval, left));
  }
}

std::string headless_chromium::screenshot_png() {
  const json reply =
      call("Page.captureScreenshot", {{"format", "png"}}, steady::now() + 10s);
  return base64_decode(reply.at("data").get<std::string>());
}

void headless_chromium::set_viewport(int width, int height) {
  call(
      "Emulation.setDeviceMetricsOverride",
      {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}},
      steady::now() + 10s);
}

json headless_chromium::call(const std::string& method, const json& params,
                             chromium_pipe::deadline until) {
  const long id = next_id_++;
  json command = {{"id", id},
                  {"method", method},
                  {"params", params.is_null() ? json::object() : params}};
  if (!session_id_.empty()) command["sessionId"] = session_id_;
  pipe_.send(command, until);
  while (const auto message = receive(until)) {
    if (message->value("id", 0L) != id) continue;  // an event, or a late reply
    if (const auto error = message->find("error"); error != message->end())
      throw std::runtime_error("headless_chromium: " + method + ": " +
                               error->value("message", error->dump()));
    return message->value("result", json::object());
  }
  throw std::runtime_error("headless_chromium: " + method + ": no reply in time");
}

std::optional<json> headless_chromium::receive(chromium_pipe::deadline until) {
  auto message = pipe_.receive(until);
  if (!message || message->contains("id")) return message;
  const std::string method = message->value("method", "");
  const json params = message->value("params", json::object());
  if (method == "Network.requestWillBeSent")
    urls_.push_back(params.at("request").at("url"));
  else if (method == "Page.lifecycleEvent" && params.value("name", "") == "load")
    loaded_.push_back(params.value("loaderId", ""));
  return message;
}

}  // namespace inflight::mock::test
