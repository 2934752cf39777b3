#include "benchmarks/support.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include "harness/process_stats.hpp"
#include "harness/server_stats.hpp"
#include "harness/text.hpp"

namespace inflight::bench {
namespace {

long status_value(const std::string& path, const std::string& key) {
  std::ifstream status{path};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return 0;
}

// The 1-minute load average, so the report can say how busy the machine was.
double load_average() {
  double one_minute = -1;
  std::ifstream{"/proc/loadavg"} >> one_minute;
  return one_minute;
}

// Writing 5 to clear_refs resets VmHWM, the kernel's peak-RSS mark (Linux 4.0+),
// so each run reports its own peak rather than the largest run's so far.
void reset_hwm(const std::string& clear_refs) {
  std::ofstream{clear_refs} << "5";
}

// What the run was made with, recorded in the JSON's context for the report.
const bool context_recorded = [] {
  benchmark::AddCustomContext("compiler", compiler_version);
  benchmark::AddCustomContext("libcurl", curl_version_info(CURLVERSION_NOW)->version);
  benchmark::AddCustomContext("libevent", event_get_version());
  benchmark::AddCustomContext(
      "server",
      "in its own process: mock_server, floor_server (floor rows) or "
      "httplib_server (httplib rows)");
  return true;
}();

}  // namespace

server_process::server_process(mock::engine_kind engine, int threads)
    : server_process(MOCK_SERVER_EXE,
                     {"--port", "0", "--quiet", "--engine", mock::to_string(engine),
                      "--threads", std::to_string(threads)}) {}

server_process::server_process(const std::string& executable,
                               std::vector<std::string> args) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  args.insert(args.begin(), executable);  // argv[0]
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
    // A benchmark that dies (a crash, a sanitizer abort) takes its server
    // with it, rather than leaving it holding the test runner's pipes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out[1], STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    close(out[0]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  if (pid_ < 0) {
    close(out[0]);
    throw std::runtime_error("cannot start " + executable);
  }
  // The first line is "listening on http://127.0.0.1:PORT".
  std::string line;
  char c = 0;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    kill(pid_, SIGTERM);  // no destructor runs for a constructor that throws
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error(executable + " said: \"" + line + "\"");
  }
  url_ = line.substr(prefix.size());
}

server_process::~server_process() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

long server_process::peak_rss_kb() const {
  return status_value("/proc/" + std::to_string(pid_) + "/status", "VmHWM");
}

void server_process::reset_peak_rss() const {
  reset_hwm("/proc/" + std::to_string(pid_) + "/clear_refs");
}

server_process& shared_server(mock::engine_kind engine) {
  static std::map<mock::engine_kind, std::unique_ptr<server_process>> servers;
  auto& slot = servers[engine];
  if (!slot) slot = std::make_unique<server_process>(engine);
  return *slot;
}

server_process& shared_floor_server() {
  static server_process floor{FLOOR_SERVER_EXE, {"--port", "0"}};
  return floor;
}

void measure(benchmark::State& state, server_process& server, const workload& work,
             const fetch_function& fetch) {
  const std::string path =
      work.path.empty() ? "/delay/" + harness::format_number(work.delay_s) : work.path;
  const std::vector<std::string> urls(work.requests, server.url() + path);
  for (auto _ : state) {
    state.PauseTiming();
    harness::reset_server_stats(server.url());
    // Give freed memory back first, or an earlier, larger run's leftovers
    // would count as this run's peak.
    malloc_trim(0);
    reset_hwm("/proc/self/clear_refs");
    server.reset_peak_rss();
    const double cpu_before = harness::process_cpu_s();
    const harness::run_clock clock;
    state.ResumeTiming();

    const auto records = fetch(urls, clock);

    state.PauseTiming();
    const double wall_s = clock.now_s();
    const double cpu_s = harness::process_cpu_s() - cpu_before;
    const auto stats = harness::read_server_stats(server.url());
    std::set<long> threads;
    std::size_t failed = 0, early = 0;
    std::string first_error;
    for (const auto& r : records) {
      threads.insert(r.thread);
      if (!r.ok() && failed++ == 0) first_error = r.error;
      // An answer to /delay/S before S seconds is a wrong answer (a server
      // that did not wait); 1 ms of slack for the clocks' rounding.
      if (r.ok() && work.path.empty() && r.end_s - r.start_s < work.delay_s - 0.001)
        ++early;
    }
    const auto count = [&stats](const char* name) {
      return stats ? harness::stats_count(*stats, name).value_or(-1) : std::int64_t{-1};
    };
    const auto peak = count("peak_in_flight");
    const auto n = static_cast<double>(work.requests);
    state.counters["requests_per_s"] = n / wall_s;
    state.counters["cpu_per_request_us"] = cpu_s / n * 1e6;
    state.counters["peak_rss_kb"] =
        static_cast<double>(status_value("/proc/self/status", "VmHWM"));
    state.counters["server_rss_kb"] = static_cast<double>(server.peak_rss_kb());
    state.counters["threads"] = static_cast<double>(threads.size());
    state.counters["server_peak"] = static_cast<double>(peak);
    state.counters["queue_p99_ms"] =
        stats ? (*stats)["queue_ms"]["p99"].get<double>() : -1;
    const auto connections = count("connections_opened");
    state.counters["connections"] = static_cast<double>(connections);
    state.counters["load_avg"] = load_average();
    state.ResumeTiming();

    std::string skipped;
    if (failed > 0) {
      skipped = std::to_string(failed) + " requests failed; first: " + first_error;
    } else if (early > 0) {
      skipped = std::to_string(early) + " answers came before the delay: the server " +
                "did not wait";
    } else if (work.one_connection && connections != 1) {
      skipped = "HTTP/2 over " + std::to_string(connections) +
                " connections, not one: the run fell back";
    } else if (peak < static_cast<std::int64_t>(work.expected_peak)) {
      skipped = "server peak in flight " + std::to_string(peak) + " < expected " +
                std::to_string(work.expected_peak) + ": it did not keep up";
    }
    if (!skipped.empty()) {
      // Not SkipWithError: Google Benchmark 1.7 (Debian 12) crashes while
      // computing the aggregates of a benchmark some of whose repetitions were
      // skipped and others not (google/benchmark#1406, fixed upstream in 2026).
      // The run is marked instead, and the report shows the row as skipped.
      // No `break`: each benchmark runs one iteration (INFLIGHT_BENCHMARK),
      // and the loop must end by itself for Google Benchmark to accept it.
      state.counters["skipped"] = 1;
      state.SetLabel("skipped: " + skipped);
    }
  }
}

}  // namespace inflight::bench
