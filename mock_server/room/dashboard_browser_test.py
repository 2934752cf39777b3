"""/dashboard in a real browser: headless Chromium, driven by Selenium, opens
the page while chapter 03 runs N requests against the same server, and the
test reads from the page's DOM what it shows. Checked: the page was live during
the run, its plotted peak is /stats's peak, it painted at once, it asked
nothing of anyone but its server, and it says so when the server stops.

Selenium and chromium-driver come from Debian, built with its Chromium
(scripts/setup.sh --browser). Without them the test skips (exit 77), saying
how to install them; with INFLIGHT_REQUIRE_BROWSER=1 (CI) it fails instead.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

REQUESTS = 300
SKIPPED = 77  # ctest's SKIP_RETURN_CODE for this test


def missing_browser():
    """What is missing to run the browser, or None."""
    try:
        import selenium  # noqa: F401 (Debian's python3-selenium)
    except ImportError:
        return "Selenium for " + sys.executable
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return program
    return None


def get_json(url):
    """GET on loopback, never through a proxy, whatever http_proxy says."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as answer:
        return json.load(answer)


class delay_server:
    """The mock_server program on a free port, stopped with SIGTERM."""

    def __init__(self, program, engine):
        self.process = subprocess.Popen(
            [program, "--port", "0", "--engine", engine, "--quiet"],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()  # "listening on http://..."
        if not line.startswith("listening on "):
            self.process.kill()  # not left holding ctest's output pipe
            self.process.wait(10)
            raise RuntimeError("mock_server said " + repr(line))
        self.url = line.split()[-1]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class page:
    """One headless Chromium tab, and what it asked the network for."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.profile = tempfile.mkdtemp(prefix="inflight-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--no-proxy-server",
                     "--window-size=1280,860", "--user-data-dir=" + self.profile):
            options.add_argument(flag)
        # Every request the page makes, from the DevTools log of the driver.
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(
            service=Service(shutil.which("chromedriver")), options=options)

    def close(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def value(self, expression):
        return self.driver.execute_script("return " + expression)

    def wait_until(self, expression, seconds):
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            WebDriverWait(self.driver, seconds, 0.05).until(
                lambda _: self.value(expression))
            return True
        except TimeoutException:
            return False

    def shown(self, element_id):
        """The page's number for `element_id`, "1,234" read as 1234; -1 for none."""
        text = self.value(
            f"document.getElementById('{element_id}').textContent.replaceAll(',', '')")
        return int(text) if text.isdigit() else -1

    def requested_urls(self, document):
        """What the page at `document` asked for, itself first. (The log also
        holds the browser's own tabs: its new-tab page, chrome:// resources.)"""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if (message["method"] == "Network.requestWillBeSent"
                    and params.get("documentURL", "").startswith(document)):
                urls.append(params["request"]["url"])
        return urls


def finish(process, seconds=120):
    """Waits for a chapter to end and returns its stderr. One that outlasts
    `seconds` is killed (its exit status then says so), and its stderr too."""
    try:
        return process.communicate(timeout=seconds)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1] + f"\n(killed after {seconds} s)"


def run(program, *arguments):
    """Runs a chapter to its end: its exit status and its stderr."""
    process = subprocess.Popen([program, *arguments], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    err = finish(process)
    return process.returncode, err


def shows_a_run_of_03_live_with_the_peak_stats_counts(args, check):
    server = delay_server(args.server, args.engine)
    tab = None
    try:
        tab = page()  # inside: a browser that cannot start still stops the server
        # Asked for a picture for docs/workshop.md (INFLIGHT_DASHBOARD_SCREENSHOT=
        # FILE), the page is on its log scale and 01 and 02 run before 03, so
        # that it shows the three shapes: a line at 1, steps of 4, a spike.
        screenshot = os.environ.get("INFLIGHT_DASHBOARD_SCREENSHOT")
        if args.engine != "events":
            screenshot = None
        tab.driver.get(server.url + ("/dashboard#log" if screenshot else "/dashboard"))

        # First paint, on the browser's own clock: navigation start -> first
        # contentful paint (recorded once the frame is drawn, maybe after load).
        tab.driver.set_script_timeout(5)
        paint = tab.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "new PerformanceObserver(list => {"
            "  const first = list.getEntriesByName('first-contentful-paint')[0];"
            "  if (first) done(first.startTime);"
            "}).observe({type: 'paint', buffered: true});")
        print(f"first contentful paint: {paint:.0f} ms")
        check(paint <= 1000, f"first paint after {paint} ms")
        if not tab.wait_until("document.body.dataset.updates >= 1", 5):
            return check(False, "the page drew nothing from /stats/live")

        ran = REQUESTS
        if screenshot:
            ran += 4 + 12
            status, err = run(args.ch01, "--url", server.url, "--requests", "4",
                              "--delay", "1", "--json")
            check(status == 0, "01 failed: " + err)
            status, err = run(args.ch02, "--url", server.url, "--requests", "12",
                              "--max-in-flight", "4", "--delay", "1", "--json")
            check(status == 0, "02 failed: " + err)

        # The threads engine starts a worker per connection held at once, and a
        # sanitizer build on a busy machine starts them slower than the run
        # below lasts: a first run starts them (workers stay), so that what is
        # under test is the page, not thread start-up.
        if args.engine == "threads":
            ran += REQUESTS
            status, err = run(args.ch03, "--url", server.url, "--requests",
                              str(REQUESTS), "--delay", "4", "--json")
            check(status == 0, "03's first run failed: " + err)

        # 03 runs beside the page, which must show its requests in flight while
        # they are (each waits 4 s: eight of the page's polls, so that all 300
        # overlap even where the threads engine starts its threads slowly, as
        # under ThreadSanitizer on a busy machine).
        chapter = subprocess.Popen(
            [args.ch03, "--url", server.url, "--requests", str(REQUESTS), "--delay",
             "4", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            live = tab.wait_until(
                f"document.getElementById('in-flight').textContent === '{REQUESTS}'", 20)
        finally:
            err = finish(chapter)  # waits for it, or kills it: never left running
        check(chapter.returncode == 0, "03 failed: " + err)
        check(live, f"the page never showed the {REQUESTS} in flight")

        # Once the run is over the page catches up: its peak, read from the
        # DOM, and the highest point it drew are the server's own peak.
        stats = get_json(server.url + "/stats")
        peak = stats["peak_in_flight"]
        check(peak == REQUESTS, f"/stats: {stats}")
        check(stats["served"] == REQUESTS, f"/stats: {stats}")  # 03 reset them
        check(tab.wait_until("document.getElementById('completed').textContent"
                             f".replaceAll(',', '') === '{ran}'", 5),
              "the page never showed every request completed")
        check(tab.shown("peak") == peak, f"the page's peak: {tab.shown('peak')}")
        chart = tab.value("Number(document.getElementById('in-flight-chart')"
                          ".dataset.peak)")
        check(chart == peak, f"the chart's peak: {chart}")
        check(tab.shown("in-flight") == 0, "still in flight on the page")

        # Nothing but its own server: the page, then /stats/live, every time.
        urls = tab.requested_urls(server.url + "/dashboard")
        check(len(urls) > 1 and urls[0].startswith(server.url + "/dashboard"),
              f"asked {urls[:2]}")
        for url in urls:
            check(url.startswith(server.url + "/"), "the page asked " + url)
        print(f"the page asked {len(urls)} URLs, all of its server")

        if screenshot:
            # Once 03's connections have closed, as a room would see it: what
            # is left is the page's own two (its document's and its fetches').
            tab.wait_until("Number(document.querySelector("
                           "'#clients tbody td:nth-child(2)')?.textContent) <= 2", 5)
            check(tab.driver.save_screenshot(screenshot),
                  "could not write the screenshot to " + screenshot)
    finally:
        if tab is not None:
            tab.close()
        server.stop()


def says_when_the_server_stops_answering(args, check):
    server = delay_server(args.server, args.engine)
    tab = None
    try:
        tab = page()  # inside: a browser that cannot start still stops the server
        tab.driver.get(server.url + "/dashboard")
        status = "document.getElementById('status').textContent"
        if not tab.wait_until(status + " === 'live'", 5):
            return check(False, "the page never said 'live'")
        server.stop()
        check(tab.wait_until(status + ".startsWith('no answer for')", 10),
              "after the stop the page says " + repr(tab.value(status)))
    finally:
        if tab is not None:
            tab.close()
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("server", "ch01", "ch02", "ch03"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--engine", choices=("threads", "events"), required=True)
    args = parser.parse_args()

    missing = missing_browser()
    if missing:
        if os.environ.get("INFLIGHT_REQUIRE_BROWSER") == "1":
            print(f"no {missing}, and INFLIGHT_REQUIRE_BROWSER=1: "
                  "run scripts/setup.sh --browser")
            return 1
        print(f"skipped: no {missing}; scripts/setup.sh --browser installs it")
        return SKIPPED

    failures = []
    for test in (shows_a_run_of_03_live_with_the_peak_stats_counts,
                 says_when_the_server_stops_answering):
        def check(ok, message, name=test.__name__):
            if not ok:
                failures.append(f"{name}: {message}")
        test(args, check)
        print(("FAILED " if any(f.startswith(test.__name__) for f in failures)
               else "passed ") + test.__name__)
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
