// headless_chromium against a real Chromium, on data: URL pages (no server
// needed): what a page's script did, its requests, a screenshot, errors, and a
// browser that is always reaped. Label `browser`; skipped without a Chromium.
#include "mock_server/testing/headless_chromium.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace inflight::mock::test {
namespace {

using namespace std::chrono_literals;

// `html` as a data: URL, percent-encoded so that '#', '%' and spaces survive.
std::string data_url(const std::string& html) {
  std::string url = "data:text/html,";
  for (const unsigned char c : html) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      url += static_cast<char>(c);
    } else {
      constexpr char hex[] = "0123456789ABCDEF";
      url += {'%', hex[c >> 4], hex[c & 0xF]};
    }
  }
  return url;
}

// A script that writes into the page at once, sets a value 200 ms later, and
// fetches from port 1, where nothing listens (and which Chromium blocks).
const std::string test_page = data_url(R"html(<!doctype html>
<body style="background: linear-gradient(90deg, #fc0, #06c)">
<h1 id="greeting">not yet</h1>
<script>
  document.getElementById('greeting').textContent = 'hello from the script';
  setTimeout(() => { window.later = 'arrived'; }, 200);
  fetch('http://127.0.0.1:1/x').catch(() => { window.fetch_failed = true; });
</script>)html");

// The --user-data-dir a process was started with, from its command line.
std::string user_data_dir(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string flag = "--user-data-dir=";
  for (std::string arg; std::getline(in, arg, '\0');)
    if (arg.rfind(flag, 0) == 0) return arg.substr(flag.size());
  return {};
}

// What `call` threw, or "(nothing thrown)".
template <typename F>
std::string error_from(F call) {
  try {
    call();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(nothing thrown)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t open_descriptors() {
  const std::filesystem::directory_iterator fds("/proc/self/fd");
  return static_cast<std::size_t>(std::distance(begin(fds), end(fds)));
}

// Needs a Chromium: skipped without one, failed when INFLIGHT_REQUIRE_BROWSER=1
// (CI sets it, so that a missing browser cannot pass as a skip).
class headless_chromium_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto found = find_chromium()) {
      executable_ = *found;
      return;
    }
    const char* required = std::getenv("INFLIGHT_REQUIRE_BROWSER");
    if (required != nullptr && std::string(required) == "1")
      FAIL() << "INFLIGHT_REQUIRE_BROWSER=1 but no Chromium was found: run "
                "scripts/setup.sh --browser (or set INFLIGHT_CHROMIUM to one)";
    GTEST_SKIP() << "no Chromium: scripts/setup.sh --browser installs one";
  }

  std::string executable_;
};

TEST_F(headless_chromium_test, evaluate_reads_what_the_pages_script_wrote) {
  headless_chromium browser{executable_};
  browser.navigate(test_page);
  EXPECT_EQ(browser.evaluate("document.getElementById('greeting').textContent"),
            "hello from the script");
  EXPECT_EQ(browser.evaluate("({sum: 1 + 2, list: [true, null]})"),
            nlohmann::json::parse(R"({"sum": 3, "list": [true, null]})"));
  EXPECT_EQ(browser.evaluate("Promise.resolve(42)"), 42);  // awaited
  EXPECT_TRUE(browser.evaluate("undefined").is_null());
}

TEST_F(headless_chromium_test, wait_until_sees_a_value_set_200_ms_later) {
  headless_chromium browser{executable_};
  browser.navigate(test_page);
  EXPECT_TRUE(browser.wait_until("window.later === 'arrived'", 5s));
  EXPECT_FALSE(browser.wait_until("window.never_set", 300ms));
}

TEST_F(headless_chromium_test, an_exception_in_evaluate_throws_with_its_text) {
  headless_chromium browser{executable_};
  const auto thrown = error_from([&] { browser.evaluate("throw new Error('boom')"); });
  EXPECT_TRUE(contains(thrown, "Error: boom")) << thrown;
  const auto rejected =
      error_from([&] { browser.evaluate("Promise.reject(new Error('later'))"); });
  EXPECT_TRUE(contains(rejected, "Error: later")) << rejected;
  const auto in_wait = error_from([&] { browser.wait_until("no_such_variable.x", 1s); });
  EXPECT_TRUE(contains(in_wait, "ReferenceError")) << in_wait;
  EXPECT_EQ(browser.evaluate("1 + 1"), 2);  // and the page goes on
}

TEST_F(headless_chromium_test, a_promise_that_never_settles_times_out) {
  headless_chromium browser{executable_};
  const auto error =
      error_from([&] { browser.evaluate("new Promise(() => {})", 300ms); });
  EXPECT_TRUE(contains(error, "no reply in time")) << error;
  EXPECT_EQ(browser.evaluate("2 + 2"), 4);  // its late reply, if any, is skipped
}

TEST_F(headless_chromium_test, requested_urls_hold_the_page_and_a_failed_fetch) {
  headless_chromium browser{executable_};
  browser.navigate(test_page);
  ASSERT_TRUE(browser.wait_until("window.fetch_failed", 5s));
  const auto urls = browser.requested_urls();
  const auto page = std::find(urls.begin(), urls.end(), test_page);
  const auto fetch = std::find(urls.begin(), urls.end(), "http://127.0.0.1:1/x");
  ASSERT_NE(page, urls.end()) << testing::PrintToString(urls);
  ASSERT_NE(fetch, urls.end()) << testing::PrintToString(urls);
  EXPECT_LT(page, fetch);  // in the order asked for
}

TEST_F(headless_chromium_test, a_failed_navigation_throws_with_the_reason) {
  headless_chromium browser{executable_};
  // Chromium's own answer, in Page.navigate's errorText: port 1 is on its
  // list of ports it will not connect to.
  const auto refused = error_from([&] { browser.navigate("http://127.0.0.1:1/"); });
  EXPECT_TRUE(contains(refused, "net::ERR_UNSAFE_PORT")) << refused;
  // A protocol error: the reply carries "error" instead of "result".
  const auto invalid = error_from([&] { browser.navigate("not a url"); });
  EXPECT_TRUE(contains(invalid, "Page.navigate: Cannot navigate to invalid URL"))
      << invalid;
}

TEST_F(headless_chromium_test, a_screenshot_is_a_png_of_the_viewports_size) {
  headless_chromium browser{executable_};
  browser.set_viewport(640, 360);
  browser.navigate(test_page);
  const std::string png = browser.screenshot_png();
  ASSERT_GT(png.size(), 1024U);
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1A\n");
  // The IHDR chunk comes first: width and height, big-endian, at bytes 16 and 20.
  const auto read_u32 = [&png](std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
      value = value << 8 | static_cast<std::uint8_t>(png[at + i]);
    return value;
  };
  EXPECT_EQ(read_u32(16), 640U);
  EXPECT_EQ(read_u32(20), 360U);
}

TEST_F(headless_chromium_test, the_destructor_reaps_it_and_leaves_nothing_behind) {
  const std::size_t descriptors_before = open_descriptors();
  pid_t pid = -1;
  std::string profile;
  {
    headless_chromium browser{executable_};
    pid = browser.pid();
    profile = user_data_dir(pid);
    ASSERT_FALSE(profile.empty());
    EXPECT_TRUE(std::filesystem::exists(profile));
  }
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // reaped: no longer our child
  EXPECT_EQ(errno, ECHILD);
  EXPECT_FALSE(std::filesystem::exists(profile));
  EXPECT_EQ(open_descriptors(), descriptors_before);
}

TEST_F(headless_chromium_test, a_browser_that_dies_during_a_call_throws_at_once) {
  headless_chromium browser{executable_};
  // Killed while we wait for a reply that would never come: the pipe closes,
  // and the error says so before the 10 s timeout would.
  std::thread killer{[pid = browser.pid()] {
    std::this_thread::sleep_for(300ms);
    ::kill(pid, SIGKILL);
  }};
  const auto error = error_from([&] { browser.evaluate("new Promise(() => {})", 10s); });
  killer.join();
  EXPECT_TRUE(contains(error, "chromium exited (its pipe closed")) << error;
}

TEST_F(headless_chromium_test, writing_to_a_dead_browser_throws_and_raises_no_sigpipe) {
  headless_chromium browser{executable_};
  ASSERT_EQ(::kill(browser.pid(), SIGKILL), 0);
  // The first call may still write into the pipe before the kernel has closed
  // the browser's end, and then reads its end of file; once that is seen, it
  // is closed, so the second call's write fails with EPIPE. Were SIGPIPE
  // delivered, this test binary would end there.
  const auto first = error_from([&] { browser.evaluate("1 + 1"); });
  EXPECT_TRUE(contains(first, "chromium exited")) << first;
  const auto second = error_from([&] { browser.evaluate("2 + 2"); });
  EXPECT_TRUE(contains(second, "chromium exited (it stopped reading")) << second;
}

TEST_F(headless_chromium_test, a_second_browser_starts_after_the_first) {
  std::string first_profile;
  {
    headless_chromium first{executable_};
    first_profile = user_data_dir(first.pid());
    EXPECT_EQ(first.evaluate("1 + 1"), 2);
  }
  headless_chromium second{executable_};
  EXPECT_NE(user_data_dir(second.pid()), first_profile);
  EXPECT_EQ(second.evaluate("2 + 2"), 4);
}

// No Chromium needed: INFLIGHT_CHROMIUM wins, and a wrong one fails loudly.
TEST(find_chromium, takes_INFLIGHT_CHROMIUM_and_a_wrong_one_fails_with_its_path) {
  const char* before = std::getenv("INFLIGHT_CHROMIUM");
  const std::string saved = before != nullptr ? before : "";
  ::setenv("INFLIGHT_CHROMIUM", "/nonexistent/chromium", 1);
  EXPECT_EQ(find_chromium(), "/nonexistent/chromium");
  const auto error = error_from([] { headless_chromium browser{*find_chromium()}; });
  EXPECT_TRUE(contains(error, "cannot run /nonexistent/chromium: No such file")) << error;
  if (before != nullptr)
    ::setenv("INFLIGHT_CHROMIUM", saved.c_str(), 1);
  else
    ::unsetenv("INFLIGHT_CHROMIUM");
}

}  // namespace
}  // namespace inflight::mock::test
