// Summarising and printing the four ways.
#include "05_cpu_bound/report.hpp"

#include <algorithm>
#include <iomanip>

#include "harness/text.hpp"

namespace inflight::ch05 {
namespace {

using harness::format_fixed;
using harness::padded;

bool is_mixed(const way_result& way) {
  return way.loop_lag_s.has_value();
}

std::string seconds(double s) {
  return format_fixed(s, 3) + " s";
}

std::string milliseconds(double s) {
  return format_fixed(s * 1000, s < 0.1 ? 1 : 0) + " ms";
}

double slowest_request_s(const way_result& way) {
  double slowest = 0;
  for (const auto& r : way.requests) slowest = std::max(slowest, r.end_s - r.start_s);
  return slowest;
}

std::size_t failed(const way_result& way) {
  return static_cast<std::size_t>(std::count_if(way.requests.begin(), way.requests.end(),
                                                [](const auto& r) { return !r.ok(); }));
}

// What the reader should take from a row.
std::string reading(const chapter_result& result, const way_result& way) {
  if (way.way == "coroutines") return "no gain: nothing to wait for";
  if (way.way == "pool") {
    std::string text = std::to_string(way.threads()) + " threads on " +
                       std::to_string(result.hardware_threads) + " cores";
    if (result.busy())
      text += ", " + format_fixed(*result.free_cores, 2) + " of them free: machine busy";
    return text;
  }
  return "the baseline";
}

}  // namespace

const way_result* chapter_result::find(const std::string& way) const {
  const auto it = std::find_if(ways.begin(), ways.end(),
                               [&way](const way_result& w) { return w.way == way; });
  return it == ways.end() ? nullptr : &*it;
}

std::optional<double> chapter_result::speedup(const way_result& way) const {
  const way_result* base = find(is_mixed(way) ? "mixed_in_loop" : "sequential");
  if (base == nullptr || way.wall_s <= 0) return std::nullopt;
  return base->wall_s / way.wall_s;
}

std::size_t chapter_result::failed_requests() const {
  std::size_t sum = 0;
  for (const way_result& way : ways) sum += failed(way);
  return sum;
}

bool chapter_result::busy() const {
  const double usable = static_cast<double>(
      std::min<std::size_t>(pool_threads, std::max(1U, hardware_threads)));
  // 15% short of what the pool could use: more than the measurement's noise.
  return free_cores && usable > 1 && *free_cores < 0.85 * usable;
}

bool chapter_result::all_verified() const {
  return std::all_of(ways.begin(), ways.end(),
                     [this](const way_result& w) { return verified(w.tasks, spec); });
}

nlohmann::json to_json(const chapter_result& result) {
  const auto or_null = [](const auto& optional) {
    return optional ? nlohmann::json(*optional) : nlohmann::json(nullptr);
  };
  nlohmann::json runs = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  nlohmann::json lag = nlohmann::json::object();
  std::size_t requests = 0;
  for (const way_result& way : result.ways) {
    nlohmann::json run{{"way", way.way},
                       {"model", way.model},
                       {"wall_s", way.wall_s},
                       {"cpu_s", way.cpu_s},
                       {"speedup", or_null(result.speedup(way))},
                       {"against", is_mixed(way) ? "mixed_in_loop" : "sequential"},
                       {"threads", way.threads()},
                       {"verified", verified(way.tasks, result.spec)}};
    if (is_mixed(way)) {
      run["loop_lag_s"] = *way.loop_lag_s;
      run["requests"] = way.requests.size();
      run["ok"] = way.requests.size() - failed(way);
      run["failed"] = failed(way);
      run["slowest_request_s"] = slowest_request_s(way);
      lag[way.way == "mixed_in_loop" ? "in_loop" : "offloaded"] = *way.loop_lag_s;
      requests += way.requests.size();
      for (const auto& r : way.requests) {
        if (!r.ok())
          errors.push_back({{"way", way.way}, {"index", r.index}, {"error", r.error}});
      }
    }
    runs.push_back(run);
  }
  return {{"chapter", "05_cpu_bound"},
          {"tasks", result.spec.tasks},
          {"steps", result.spec.steps},
          {"work_ms", or_null(result.work_ms)},
          {"hardware_threads", result.hardware_threads},
          {"pool_threads", result.pool_threads},
          {"free_cores", or_null(result.free_cores)},
          {"busy", result.busy()},
          {"delay_s", or_null(result.delay_s)},
          {"requests", requests},
          {"ok", requests - result.failed_requests()},
          {"failed", result.failed_requests()},
          {"errors", errors},
          {"runs", runs},
          {"loop_lag_s", lag}};
}

void print_report(std::ostream& out, const chapter_result& result) {
  const auto& spec = result.spec;
  out << "05_cpu_bound: " << spec.tasks << " tasks of " << spec.steps << " LCG steps";
  if (result.work_ms)
    out << " (calibrated: " << harness::format_number(*result.work_ms)
        << " ms of CPU each)";
  out << "\n  " << result.hardware_threads << " hardware threads; the pool has "
      << result.pool_threads;
  if (result.free_cores)
    out << "; " << format_fixed(*result.free_cores, 2)
        << " cores were free for it just before the runs"
        << (result.busy() ? " (the machine is busy)" : "");
  out << "\n\n";
  // std::setw right-aligns the next field: the numbers line up on the right.
  const auto header = [&out] {
    out << "  " << padded("way", 30) << std::setw(9) << "wall" << std::setw(9) << "cpu"
        << std::setw(7) << "cores" << std::setw(9) << "speedup" << std::setw(9)
        << "threads" << std::setw(10) << "verified";
  };
  const auto row = [&](const way_result& way, const std::string& label) {
    const auto speedup = result.speedup(way);
    const double cores = way.wall_s > 0 ? way.cpu_s / way.wall_s : 0;
    out << "  " << padded(label, 30) << std::setw(9) << seconds(way.wall_s)
        << std::setw(9) << seconds(way.cpu_s) << std::setw(7) << format_fixed(cores, 2)
        << std::setw(9) << (speedup ? format_fixed(*speedup, 2) + "x" : "-")
        << std::setw(9) << way.threads() << std::setw(10)
        << (verified(way.tasks, spec) ? "yes" : "NO");
  };
  header();
  out << "\n";
  for (const way_result& way : result.ways) {
    if (is_mixed(way)) continue;
    row(way, way.model);
    out << "  " << reading(result, way) << "\n";
  }
  out << "  speedup: against sequential; at most " << result.hardware_threads << "x on "
      << result.hardware_threads << " hardware threads. cores: cpu / wall, the cores\n"
      << "  this process kept busy (cpu: user + sys of all its threads).\n";
  if (result.busy()) {
    // The pool can have at most the free cores, sequential at most one of
    // them: their ratio is the speedup this machine allowed just now.
    const double free = *result.free_cores;
    const double usable = static_cast<double>(
        std::min<std::size_t>(result.pool_threads, result.hardware_threads));
    out << "  The machine is busy: with " << format_fixed(free, 2)
        << " cores free, expect the pool near "
        << format_fixed(std::min(usable, free) / std::min(1.0, free), 1) << "x, not "
        << format_fixed(usable, 0)
        << "x; compare speedups between runs on an idle machine.\n";
  }

  const way_result* in_loop = result.find("mixed_in_loop");
  const way_result* offloaded = result.find("mixed_offloaded");
  if (in_loop == nullptr || offloaded == nullptr) return;
  out << "\n  mixed: " << in_loop->requests.size() << " requests";
  if (result.delay_s) out << " of " << harness::format_number(*result.delay_s) << " s";
  out << " on one event loop while the same " << spec.tasks << " tasks run\n";
  header();
  out << std::setw(10) << "loop lag" << std::setw(17) << "slowest request"
      << "\n";
  for (const way_result* way : {in_loop, offloaded}) {
    row(*way, way->model.substr(way->model.find(": ") + 2));
    out << std::setw(10) << milliseconds(*way->loop_lag_s) << std::setw(17)
        << seconds(slowest_request_s(*way)) << "\n";
    if (const std::size_t f = failed(*way); f > 0) {
      const auto first = std::find_if(way->requests.begin(), way->requests.end(),
                                      [](const auto& r) { return !r.ok(); });
      out << "    " << f << " of " << way->requests.size()
          << " requests failed (first: " << first->error << ")\n";
    }
  }
  out << "  loop lag: the latest a timer due every " << lag_probe_period.count()
      << " ms fired; " << milliseconds(*in_loop->loop_lag_s)
      << " with the CPU work in the loop, " << milliseconds(*offloaded->loop_lag_s)
      << " offloaded.\n";
}

std::string render_timelines(const chapter_result& result,
                             const harness::terminal& term) {
  std::string out;
  for (const way_result& way : result.ways) {
    std::vector<harness::request_record> rows = way.requests;
    for (const task_result& t : way.tasks) rows.push_back(as_record(t, rows.size()));
    out += way.model;
    if (!way.requests.empty())
      out += ": rows 0-" + std::to_string(way.requests.size() - 1) +
             " are requests, the rest CPU tasks";
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on
    // "\n" + std::string inlined into +=.
    out += '\n';
    out += harness::render_timeline(rows, way.wall_s, term, "rows (requests and tasks)");
    out += '\n';
  }
  return out;
}

}  // namespace inflight::ch05
