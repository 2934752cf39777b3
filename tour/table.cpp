#include "tour/table.hpp"

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

}  // namespace

void print_table(std::ostream& out, const std::vector<row_result>& rows,
                 std::size_t requests, double delay_s) {
  const std::string workload =
      std::to_string(requests) + " x " + harness::format_number(delay_s) + " s";
  const double one_at_a_time = static_cast<double>(requests) * delay_s;
  out << padded("model", 24) << right(workload, 11) << right("expected", 9)
      << right("speedup", 8) << right("in flight", 10) << right("CPU", 8)
      << right("peak RSS", 10) << right("threads", 8) << "  reading\n";
  for (const auto& row : rows) {
    out << padded(row.run.label, 24);
    if (!row.error.empty()) {  // numbers from a failed run would only mislead
      out << "  FAILED: " << row.error << "\n";
      continue;
    }
    const auto& r = *row.result;
    const double wall = r["wall_s"].get<double>();
    out << right(seconds(r["wall_s"]), 11) << right(seconds(r["expected_s"]), 9)
        << right(format_fixed(one_at_a_time / wall, 1) + "x", 8)
        << right(count(r["server_peak_in_flight"]), 10) << right(cpu(r["cpu_s"]), 8)
        << right(mebibytes(r["peak_rss_kb"]), 10) << right(r["threads"].dump(), 8) << "  "
        << row.run.reading << "\n";
  }
  out << "speedup: against one request at a time ("
      << harness::format_number(one_at_a_time)
      << " s). in flight: the server's own count of requests it held at once.\n"
      << "CPU, peak RSS, threads: the chapter's process (the server runs in the "
         "tour's).\n";
}

}  // namespace inflight::tour
