// report: Google Benchmark JSON in, docs/results.md and SVG charts out.
//   report OUT_DIR RESULT.json... [PEERS.jsonl]
// Every figure in results.md is read from the JSON: the median of the
// repetitions, with the machine, its load and library versions the run
// recorded. A section of the existing results.md that no input regenerates is
// kept as it was: a suite not run this time, and the sections written by hand
// (marked `<!-- by hand -->` under their heading), which go last.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "benchmarks/report_page.hpp"
#include "benchmarks/svg_chart.hpp"

namespace fs = std::filesystem;
using inflight::bench::by_hand;
using inflight::bench::page;
using inflight::bench::series;
using inflight::bench::split_page;
using inflight::bench::trimmed;
using nlohmann::json;

namespace {

struct row {
  std::string model;
  double n = 0;
  json median;  // the aggregate row, or the single run when there is one
  std::string error;
};

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

std::string seconds(double ms) {
  return ms < 1000 ? fixed(ms, 1) + " ms" : fixed(ms / 1000, 3) + " s";
}

double counter(const json& run, const char* name) {
  return run.contains(name) && run[name].is_number() ? run[name].get<double>() : 0;
}

// "thread_pool/100/iterations:1/real_time" -> ("thread_pool", 100)
// "sequential/iterations:1/real_time" -> ("sequential", 0): no argument.
std::pair<std::string, double> split(const std::string& run_name) {
  const auto a = run_name.find('/');
  const auto b = run_name.find('/', a + 1);
  const std::string arg = run_name.substr(a + 1, b - a - 1);
  const bool numeric =
      !arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos;
  return {run_name.substr(0, a), numeric ? std::stod(arg) : 0};
}

// The floor rows, whose names alone do not say what ran against what. The
// table carries this; the charts' legends keep the short names.
std::string labelled(const std::string& model) {
  static const std::map<std::string, std::string> labels{
      {"raw_sockets", "raw_sockets (no client library: the client's floor)"},
      {"floor_server", "floor_server (03's client, no-library server)"},
      {"floor_both", "floor_both (no library either side: the floor)"}};
  const auto found = labels.find(model);
  return found == labels.end() ? model : found->second;
}

// Chapter 05's CPU suite: speedup against sequential, not requests.
bool is_cpu_suite(const std::vector<row>& rows) {
  return std::any_of(rows.begin(), rows.end(),
                     [](const row& r) { return r.median.contains("speedup"); });
}

void cpu_table(std::ostream& md, const std::vector<row>& rows) {
  md << "| way | pool threads | wall (median) | speedup | CPU | threads observed |\n"
     << "| --- | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& r : rows) {
    md << "| " << r.model << " | " << (r.n > 0 ? fixed(r.n, 0) : "") << " | ";
    if (!r.error.empty()) {
      md << "skipped: " << r.error << " | | | |\n";
      continue;
    }
    const auto& m = r.median;
    md << seconds(m["real_time"].get<double>()) << " | "
       << fixed(counter(m, "speedup"), 2) << "x | " << fixed(counter(m, "cpu_s"), 3)
       << " s | " << fixed(counter(m, "threads"), 0) << " |\n";
  }
}

std::vector<row> rows_of(const json& results) {
  std::map<std::string, row> by_run;
  std::vector<std::string> order;
  for (const auto& b : results["benchmarks"]) {
    const std::string run_name = b.value("run_name", b["name"].get<std::string>());
    auto [it, inserted] = by_run.try_emplace(run_name);
    if (inserted) order.push_back(run_name);
    row& r = it->second;
    std::tie(r.model, r.n) = split(run_name);
    if (b.value("error_occurred", false)) r.error = b.value("error_message", "error");
    // A repetition measure() marked as skipped (support.hpp) skips the row:
    // its median would mix runs that did what the model claims with one that
    // did not.
    if (b.value("run_type", "") == "iteration" && counter(b, "skipped") > 0) {
      const std::string label = b.value("label", "skipped: ?");
      r.error = label.starts_with("skipped: ") ? label.substr(9) : label;
    }
    const bool is_median = b.value("aggregate_name", "") == "median";
    if (is_median || (r.median.is_null() && b.value("run_type", "") == "iteration"))
      r.median = b;
  }
  std::vector<row> rows;
  for (const auto& name : order) rows.push_back(by_run[name]);
  return rows;
}

void table(std::ostream& md, const std::vector<row>& rows) {
  md << "| model | N | wall (median) | requests/s | CPU / request | client peak RSS | "
        "server peak RSS | threads | server peak in flight | connections |\n"
     << "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& r : rows) {
    md << "| " << labelled(r.model) << " | " << fixed(r.n, 0) << " | ";
    if (!r.error.empty()) {
      md << "skipped: " << r.error << " | | | | | | | |\n";
      continue;
    }
    const auto& m = r.median;
    // The server's count of connections opened; absent from older results.
    const double connections = counter(m, "connections");
    md << seconds(m["real_time"].get<double>()) << " | "
       << fixed(counter(m, "requests_per_s"), 1) << " | "
       << fixed(counter(m, "cpu_per_request_us"), 0) << " µs | "
       << fixed(counter(m, "peak_rss_kb") / 1024, 1) << " MiB | "
       << fixed(counter(m, "server_rss_kb") / 1024, 1) << " MiB | "
       << fixed(counter(m, "threads"), 0) << " | " << fixed(counter(m, "server_peak"), 0)
       << " | " << (connections > 0 ? fixed(connections, 0) : "") << " |\n";
  }
}

std::vector<series> lines(const std::vector<row>& rows, double (*y)(const json&)) {
  std::vector<series> out;
  for (const auto& r : rows) {
    if (!r.error.empty() || r.median.is_null()) continue;
    auto it =
        std::find_if(out.begin(), out.end(), [&](auto& s) { return s.name == r.model; });
    if (it == out.end()) it = out.insert(out.end(), series{r.model, {}});
    if (const double v = y(r.median); v > 0) it->points.emplace_back(r.n, v);
  }
  return out;
}

// The peers' lines: one JSON object each, in the order they ran.
std::vector<json> read_peers(const fs::path& file) {
  std::vector<json> lines;
  std::ifstream in{file};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

// The peers as chart lines beside models_bench's rows (wall, CPU per request,
// peak RSS against N), so one picture compares every model with what a user
// would pick instead. A run that failed or skipped adds no point.
std::vector<std::vector<series>> peer_lines(const std::vector<json>& peers) {
  std::vector<std::vector<series>> charts(3);
  for (const json& p : peers) {
    if (p.contains("skipped") || p.contains("error") || !p.contains("requests")) continue;
    const double n = p["requests"].get<double>();
    if (n <= 0 || p.value("ok", 0) != p["requests"].get<int>()) continue;
    const double values[] = {p["wall_s"].get<double>(),
                             p["cpu_s"].get<double>() / n * 1e6,
                             p["peak_rss_kb"].get<double>() / 1024};
    // "Node http2, one session, Promise.all" -> "peer: Node http2": the legend
    // has room for a short name; the peers' table has the long one.
    const std::string model = p.value("model", "?");
    const std::string name = "peer: " + model.substr(0, model.find(','));
    for (std::size_t k = 0; k < charts.size(); ++k) {
      auto& lines = charts[k];
      auto it = std::find_if(lines.begin(), lines.end(),
                             [&](const series& s) { return s.name == name; });
      if (it == lines.end()) it = lines.insert(lines.end(), series{name, {}});
      if (values[k] > 0) it->points.emplace_back(n, values[k]);
    }
  }
  return charts;
}

// The Python and Node programs of the original lesson, one JSON line each.
void peers(std::ostream& md, const std::vector<json>& lines) {
  md << "The original lesson's programs, run by `scripts/benchmark.sh` "
        "against the same server (events engine) with the same `/delay/1` workload: "
        "Python's blocking `requests` loop, Python's asyncio + aiohttp `gather`, and "
        "Node's `fetch` with `Promise.all`; and over HTTP/2, one connection each: "
        "Node's `http2` client, and nghttp2's load generator `h2load` (the HTTP/2 "
        "client floor: `-c 1 -m N`, every request a stream of one connection).\n\n"
     << "| program | N | wall | CPU | peak RSS | ok |\n| --- | ---: | ---: | ---: | ---: "
        "| ---: |\n";
  for (const json& p : lines) {
    md << "| " << p.value("model", "?") << " | ";
    if (p.contains("skipped") || p.contains("error")) {
      md << "| skipped: " << p.value("skipped", p.value("error", "")) << " | | | |\n";
      continue;
    }
    md << p["requests"].get<int>() << " | " << seconds(p["wall_s"].get<double>() * 1000)
       << " | " << fixed(p["cpu_s"].get<double>(), 3) << " s | "
       << fixed(p["peak_rss_kb"].get<double>() / 1024, 1) << " MiB | "
       << p["ok"].get<int>() << " |\n";
  }
}

// The suites whose rows join another suite's section and charts: cpp-httplib,
// the peer server, beside the bundled server's engines.
std::string section_of(const std::string& suite) {
  return suite == "httplib_bench" ? "server_bench" : suite;
}

// The machine line of one suite's run: what it ran on, what it was built with
// (but what `same` says already: the section's first line), and how busy the
// machine was (support.cpp's load_avg after each run).
void machine_line(std::ostream& md, const json& results, const std::string& prefix,
                  const json& same) {
  const auto& c = results["context"];
  md << prefix << "Run " << c.value("date", "?") << " on `" << c.value("host_name", "?")
     << "`: " << c.value("num_cpus", 0) << " CPUs at " << c.value("mhz_per_cpu", 0)
     << " MHz";
  // What the binary recorded about itself (support.cpp, cpu_bench.cpp,
  // httplib_bench.cpp).
  for (const char* key : {"compiler", "libcurl", "libevent", "server", "cpp-httplib"})
    if (c.contains(key) && (!same.contains(key) || same[key] != c[key]))
      md << "; " << key << " " << c[key].get<std::string>();
  double low = 1e300, high = -1;
  for (const auto& b : results["benchmarks"]) {
    if (b.value("run_type", "") != "iteration" || !b.contains("load_avg")) continue;
    low = std::min(low, b["load_avg"].get<double>());
    high = std::max(high, b["load_avg"].get<double>());
  }
  if (high >= 0) {
    md << "; load average (1 min) " << fixed(low, 1) << " to " << fixed(high, 1)
       << " after its runs";
    // The suite's own client and server load a CPU each in its largest runs,
    // so only a load at the CPU count even after its quietest run says that
    // other work shared the machine.
    if (low >= c.value("num_cpus", 0))
      md << ": a busy machine, other work shared its CPUs";
  }
  md << ".\n\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: report OUT_DIR RESULT.json... [PEERS.jsonl]\n";
    return 2;
  }
  const fs::path out_dir = argv[1];
  fs::create_directories(out_dir / "charts");
  std::ostringstream intro;
  intro << "# Results\n\nMeasured by `scripts/benchmark.sh` (release build, Google "
           "Benchmark, each figure the median of its repetitions). Regenerate with the "
           "same command; do not edit by hand, except the sections marked as written "
           "by hand, which it keeps.\n\n"
           "How to read it: the delay server runs in its own process, so CPU / request "
           "and client peak RSS are the client's alone. CPU / request at N = 1 is "
           "mostly fixed start-up cost. Peak RSS restarts from the memory the process "
           "holds when a run begins, so a run right after a larger one can show some of "
           "the larger one's leftovers (the pool after 10,000 threads). A row reads "
           "`skipped` when a request failed, an answer came before its delay, or the "
           "server never held the requests the model claims to hold at once: its "
           "figures would mislead. Where a model stops: one at a time (`sequential`) "
           "at N = 10, since N = 100 would take 100 s a run; the pool (`thread_pool`, "
           "32 threads) at N = 100, since 1,000 would take ceil(1000/32) = 32 s. "
           "02's thread-per-request at N = 10,000 runs out of file descriptors on this "
           "machine (each blocking transfer holds three; the hard limit is 20,000): see "
           "02_threads/README.md.\n\n"
           "The floor rows (`raw_sockets`, `floor_server`, `floor_both`) swap a library "
           "for `benchmarks/raw_client.cpp` (one thread, epoll, no HTTP library) or "
           "`benchmarks/floor_server.cpp` (a delay server built the same way): a row's "
           "gap to its floor row is what the library adds, and `floor_both`, with no "
           "library on either side, is what loopback TCP on this machine allows.\n\n"
           "The `httplib_*` rows of server_bench (from httplib_bench) put 03's client "
           "against `benchmarks/peers/httplib_server.cpp`, a delay server on "
           "cpp-httplib, whose server is a thread pool: `httplib_default_pool` at the "
           "library's defaults (its pool, and a listen backlog of 5), "
           "`httplib_pool_of_8` with a pool of 8 and the listen queue raised (the "
           "waves alone: a request waits for a free thread), `httplib_pool_of_n` with "
           "a pool of N.\n\n"
           "drivers_bench runs chapter 03's two drivers on answers spread over a second "
           "(`/delay?ms=500&jitter_ms=1000`, seeded): each wake-up finds a few sockets "
           "ready among N waiting, the case where `curl_multi_perform`'s walk over every "
           "transfer costs and `socket_action` does not. With `/delay/1` (models_bench) "
           "the answers arrive together and the two cost about the same.\n";

  // The inputs, by section: a suite's own, or the one it joins (section_of).
  std::vector<json> peer_runs;
  bool have_peers = false;
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::pair<std::string, json>>> inputs;
  for (int i = 2; i < argc; ++i) {
    const fs::path file = argv[i];
    if (file.extension() == ".jsonl") {
      peer_runs = read_peers(file);
      have_peers = true;
      if (std::find(order.begin(), order.end(), "Peers") == order.end())
        order.push_back("Peers");
      continue;
    }
    std::ifstream in{file};
    const std::string suite = file.stem().string();
    const std::string section = section_of(suite);
    if (!inputs.contains(section)) order.push_back(section);
    auto& runs = inputs[section];  // the section's own suite first
    runs.emplace(suite == section ? runs.begin() : runs.end(), suite, json::parse(in));
  }
  const auto peer_charts = peer_lines(peer_runs);

  std::map<std::string, std::string> generated;  // heading -> its section
  for (const std::string& section : order) {
    std::ostringstream md;
    md << "## " << section << "\n\n";
    if (section == "Peers") {
      peers(md, peer_runs);
      generated[section] = trimmed(md.str());
      continue;
    }
    std::vector<row> rows;
    for (const auto& [suite, results] : inputs[section]) {
      const json& first = inputs[section].front().second["context"];
      machine_line(md, results, suite == section ? "" : "`" + suite + "`: ",
                   &results == &inputs[section].front().second ? json::object() : first);
      for (auto& r : rows_of(results)) rows.push_back(std::move(r));
    }
    if (is_cpu_suite(rows)) {  // no N to plot against: the table says it all
      cpu_table(md, rows);
      generated[section] = trimmed(md.str());
      continue;
    }
    table(md, rows);
    const std::pair<const char*, std::vector<series>> charts[] = {
        {"wall",
         lines(rows, [](const json& m) { return m["real_time"].get<double>() / 1000; })},
        {"cpu",
         lines(rows, [](const json& m) { return counter(m, "cpu_per_request_us"); })},
        {"rss",
         lines(rows, [](const json& m) { return counter(m, "peak_rss_kb") / 1024; })}};
    const char* y_labels[] = {"wall time (s)", "client CPU per request (µs)",
                              "client peak RSS (MiB)"};
    for (std::size_t k = 0; k < std::size(charts); ++k) {
      const std::string file = "charts/" + section + "_" + charts[k].first + ".svg";
      auto lines_k = charts[k].second;
      if (section == "models_bench" && have_peers) {  // every model beside the peers
        lines_k.insert(lines_k.end(), peer_charts[k].begin(), peer_charts[k].end());
      }
      std::ofstream{out_dir / file} << inflight::bench::log_log_chart(
          section + ": " + y_labels[k] + " vs N", "N (requests)", y_labels[k], lines_k);
      md << "\n![" << y_labels[k] << "](" << file << ")\n";
    }
    generated[section] = trimmed(md.str());
  }

  // The sections of the page as it was: each replaced when regenerated, kept
  // when not; new sections after them; the ones written by hand last.
  page old;
  if (std::ifstream in{out_dir / "results.md"}; in) old = split_page(in);
  std::ostringstream md;
  md << trimmed(intro.str());
  std::vector<std::string> hand;
  for (const auto& [heading, text] : old.sections) {
    if (by_hand(text)) {
      hand.push_back(text);
    } else {
      const auto found = generated.find(heading);
      md << "\n" << (found == generated.end() ? text : found->second);
      if (found != generated.end()) generated.erase(found);
    }
  }
  for (const std::string& section : order)
    if (generated.contains(section)) md << "\n" << generated[section];
  for (const std::string& text : hand) md << "\n" << text;
  std::ofstream{out_dir / "results.md"} << md.str();
  std::cout << "wrote " << (out_dir / "results.md").string() << "\n";
  return 0;
}
