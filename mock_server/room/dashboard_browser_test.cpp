// /dashboard in a real browser: headless Chromium (headless_chromium.hpp)
// opens the page, chapter 03 runs N requests against the same server, and the
// test reads from the page's DOM what it shows. Checked: the page was live
// during the run, its plotted peak is /stats's peak, its first paint came
// within a second, and it asked nothing of anyone but its server.
// Without Chromium the tests skip, saying how to install it; CI sets
// INFLIGHT_REQUIRE_BROWSER=1 (and installs it), where a skip would hide them.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/test_support/command.hpp"
#include "mock_server/server.hpp"
#include "mock_server/testing/headless_chromium.hpp"
#include "mock_server/testing/test_client.hpp"

namespace {

using inflight::mock::engine_kind;
using inflight::mock::server;
using inflight::mock::server_options;
using inflight::mock::test::headless_chromium;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int requests = 300;

class dashboard_browser_test : public ::testing::TestWithParam<engine_kind> {
 protected:
  void SetUp() override {
    chromium_ = inflight::mock::test::find_chromium();
    if (chromium_) return;
    const char* required = std::getenv("INFLIGHT_REQUIRE_BROWSER");
    if (required != nullptr && std::string(required) == "1")
      FAIL() << "no Chromium found, and INFLIGHT_REQUIRE_BROWSER=1: run "
                "scripts/setup.sh --browser";
    GTEST_SKIP() << "no Chromium: scripts/setup.sh --browser installs it";
  }
  std::optional<std::string> chromium_;
};

INSTANTIATE_TEST_SUITE_P(engines, dashboard_browser_test,
                         ::testing::Values(engine_kind::threads, engine_kind::events),
                         [](const auto& info) { return to_string(info.param); });

// The page's number for `id`, "1,234" read as 1234; -1 when it shows none.
long shown(headless_chromium& page, const std::string& id) {
  const auto text = page.evaluate("document.getElementById('" + id +
                                  "').textContent.replaceAll(',', '')");
  return text.is_string() && !text.get<std::string>().empty() &&
                 text.get<std::string>().find_first_not_of("0123456789") ==
                     std::string::npos
             ? std::stol(text.get<std::string>())
             : -1;
}

TEST_P(dashboard_browser_test, shows_a_run_of_03_live_with_the_peak_stats_counts) {
  const server s(server_options{.engine = GetParam()});
  // Asked for a picture for docs/workshop.md (INFLIGHT_DASHBOARD_SCREENSHOT=
  // FILE), the page is on its log scale and 01 and 02 run before 03, so that
  // it shows the three shapes: a line at 1, steps of 4, a spike.
  const char* screenshot = std::getenv("INFLIGHT_DASHBOARD_SCREENSHOT");
  if (GetParam() != engine_kind::events) screenshot = nullptr;
  headless_chromium page(*chromium_);
  page.set_viewport(1280, 860);
  page.navigate(s.url() + (screenshot != nullptr ? "/dashboard#log" : "/dashboard"));

  // First paint, from the browser's own clock: navigation start -> first
  // contentful paint.
  // (A paint entry is recorded once the frame is drawn, which may be after load.)
  const auto paint = page.evaluate(
      "new Promise(done => new PerformanceObserver(list => {"
      "  const first = list.getEntriesByName('first-contentful-paint')[0];"
      "  if (first) done(first.startTime);"
      "}).observe({type: 'paint', buffered: true}))",
      5s);
  ASSERT_TRUE(paint.is_number()) << "no first-contentful-paint entry";
  std::printf("first contentful paint: %.0f ms\n", paint.get<double>());
  EXPECT_LE(paint.get<double>(), 1000) << "first paint after " << paint << " ms";
  ASSERT_TRUE(page.wait_until("document.body.dataset.updates >= 1", 5s))
      << "the page drew nothing from /stats/live";

  if (screenshot != nullptr) {
    using inflight::test_support::run_command;
    ASSERT_EQ(run_command(CH01_EXECUTABLE,
                          {"--url", s.url(), "--requests", "4", "--delay", "1", "--json"})
                  .exit_status,
              0);
    ASSERT_EQ(
        run_command(CH02_EXECUTABLE, {"--url", s.url(), "--requests", "12",
                                      "--max-in-flight", "4", "--delay", "1", "--json"})
            .exit_status,
        0);
  }

  // 03 runs in the background; the page must show its requests in flight
  // while they are (each waits 2 s: four of the page's polls).
  auto run = std::async(std::launch::async, [&] {
    return inflight::test_support::run_command(
        CH03_EXECUTABLE, {"--url", s.url(), "--requests", std::to_string(requests),
                          "--delay", "2", "--json"});
  });
  const bool live =
      page.wait_until("document.getElementById('in-flight').textContent === '" +
                          std::to_string(requests) + "'",
                      10s);
  const auto result = run.get();
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_TRUE(live) << "the page never showed the " << requests << " in flight";

  // Once the run is over, the page catches up: its peak, read from the DOM,
  // and the highest point it drew are the server's own peak.
  const auto stats = json::parse(inflight::mock::test::get(s.url() + "/stats").body);
  const auto peak = stats["peak_in_flight"].get<long>();
  EXPECT_EQ(peak, requests) << stats;
  const int ran = requests + (screenshot != nullptr ? 4 + 12 : 0);  // 01's and 02's too
  EXPECT_EQ(stats["served"], requests) << stats;
  EXPECT_TRUE(page.wait_until(
      "document.getElementById('completed').textContent.replaceAll(',', '') === '" +
          std::to_string(ran) + "'",
      5s));
  EXPECT_EQ(shown(page, "peak"), peak);
  EXPECT_EQ(
      page.evaluate("Number(document.getElementById('in-flight-chart').dataset.peak)"),
      peak);
  EXPECT_EQ(shown(page, "in-flight"), 0);

  // Nothing but its own server: the page, then /stats/live, every time.
  const auto urls = page.requested_urls();
  ASSERT_FALSE(urls.empty());
  EXPECT_EQ(urls.front(), s.url() + "/dashboard");
  for (const auto& url : urls)
    EXPECT_EQ(url.rfind(s.url() + "/", 0), 0U) << "the page asked " << url;

  if (screenshot != nullptr) {
    // Once 03's connections have closed, as a room would see it: what is left
    // is the page's own two (its document's and its fetches').
    page.wait_until(
        "Number(document.querySelector('#clients tbody td:nth-child(2)')?.textContent) "
        "<= 2",
        5s);
    std::ofstream(screenshot, std::ios::binary) << page.screenshot_png();
  }
}

TEST_P(dashboard_browser_test, says_when_the_server_stops_answering) {
  auto s = std::make_unique<server>(server_options{.engine = GetParam()});
  headless_chromium page(*chromium_);
  page.navigate(s->url() + "/dashboard");
  ASSERT_TRUE(
      page.wait_until("document.getElementById('status').textContent === 'live'", 5s));
  s->stop();
  EXPECT_TRUE(page.wait_until(
      "document.getElementById('status').textContent.startsWith('no answer for')", 10s))
      << page.evaluate("document.getElementById('status').textContent");
}

}  // namespace
