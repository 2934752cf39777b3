#include "tour/table.hpp"

#include <cmath>

#include "harness/text.hpp"

namespace inflight::tour {
namespace {

using harness::format_fixed;
using harness::padded;

std::string right(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string count(const nlohmann::json& value) {
  return value.is_number() ? value.dump() : "-";
}

std::string seconds(const nlohmann::json& value) {
  return value.is_number() ? format_fixed(value.get<double>(), 2) + " s" : "-";
}

std::string cpu(const nlohmann::json& value) {
  if (!value.is_number()) return "-";
  const double s = value.get<double>();
  return s < 1 ? format_fixed(s * 1000, 0) + " ms" : format_fixed(s, 2) + " s";
}

std::string mebibytes(const nlohmann::json& kb) {
  return kb.is_number() ? format_fixed(kb.get<double>() / 1024, 1) + " MiB" : "-";
}

// Chapter 05 runs CPU tasks, not the requests above: its own rows, with
// speedup against its sequential run next to the core count that bounds it.
void print_cpu_rows(std::ostream& out, const row_result& row) {
  const nlohmann::json& r = *row.result;
  const std::string cores = r["hardware_threads"].dump();
  // 05 measures the cores free for its pool before it runs; on a busy machine
  // the pool's speedup is bounded by those, and the table says so.
  const bool busy = r.value("busy", false) && r["free_cores"].is_number();
  const std::string free = busy ? format_fixed(r["free_cores"].get<double>(), 2) : "";
  out << "\n"
      << row.run.executable << ": " << r["tasks"].dump() << " CPU tasks of "
      << (r["work_ms"].is_number() ? harness::format_number(r["work_ms"].get<double>())
                                   : std::string("?"))
      << " ms, " << cores << " hardware threads"
      << (busy ? ", " + free + " free (the machine is busy)" : std::string()) << "\n"
      << padded("model", 24) << right("wall", 11) << right("speedup", 8)
      << right("CPU", 8) << right("threads", 8) << "  reading\n";
  for (const auto& run : r["runs"]) {
    const std::string way = run["way"].get<std::string>();
    std::string label = "05 " + way;
    std::string reading = "one core computing, one task at a time";
    if (way == "coroutines") {
      reading = "no gain: nothing to wait for";
    } else if (way == "pool") {
      label = "05 pool of " + run["threads"].dump() + " threads";
      reading = "tasks computing at once, at most " + cores + "x";
      if (busy) reading += "; only " + free + " cores free: machine busy";
    } else if (way != "sequential") {
      continue;  // the mixed demo: in the footnote
    }
    out << padded(label, 24) << right(seconds(run["wall_s"]), 11)
        << right(format_fixed(run["speedup"].get<double>(), 2) + "x", 8)
        << right(cpu(run["cpu_s"]), 8) << right(run["threads"].dump(), 8) << "  "
        << reading << "\n";
  }
  const nlohmann::json& lag = r["loop_lag_s"];
  out << "speedup: against sequential. With requests in flight, the event loop ran "
      << format_fixed(lag["in_loop"].get<double>() * 1000, 0)
      << " ms late with the CPU work inside it, "
      << format_fixed(lag["offloaded"].get<double>() * 1000, 1)
      << " ms late with it offloaded to the pool.\n";
}

}  // namespace

void print_table(std::ostream& out, const std::vector<row_result>& rows,
                 std::size_t requests, double delay_s) {
  const std::string workload =
      std::to_string(requests) + " x " + harness::format_number(delay_s) + " s";
  const double one_at_a_time = static_cast<double>(requests) * delay_s;
  out << padded("model", 24) << right(workload, 11) << right("expected", 9)
      << right("speedup", 8) << right("in flight", 10) << right("conns", 6)
      << right("CPU", 8) << right("peak RSS", 10) << right("threads", 8) << "  reading\n";
  for (const auto& row : rows) {
    if (row.error.empty() && row.result->contains("runs")) continue;  // see below
    out << padded(row.run.label, 24);
    if (!row.error.empty()) {  // numbers from a failed run would only mislead
      out << "  FAILED: " << row.error << "\n";
      continue;
    }
    const auto& r = *row.result;
    // A field the row lacks (a Python peer reports no expected time or threads)
    // reads as null, and prints as "-".
    const auto at = [&r](const char* name) { return r.value(name, nlohmann::json()); };
    const double wall = r["wall_s"].get<double>();
    out << right(seconds(r["wall_s"]), 11) << right(seconds(at("expected_s")), 9)
        << right(format_fixed(one_at_a_time / wall, 1) + "x", 8)
        << right(count(at("server_peak_in_flight")), 10)
        << right(count(at("server_connections")), 6) << right(cpu(at("cpu_s")), 8)
        << right(mebibytes(at("peak_rss_kb")), 10) << right(count(at("threads")), 8)
        << "  " << row.run.reading << "\n";
  }
  out << "speedup: against one request at a time ("
      << harness::format_number(one_at_a_time)
      << " s). in flight: the server's own count of requests it held at once;\n"
      << "conns: of connections it accepted.\n"
      << "CPU, peak RSS, threads: the chapter's process (the server runs in the "
         "tour's).\n";
  for (const auto& row : rows) {
    if (row.error.empty() && row.result->contains("runs")) print_cpu_rows(out, row);
  }
}

}  // namespace inflight::tour
