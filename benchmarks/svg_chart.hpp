// A log-log line chart as SVG text: enough for "wall time vs N per model",
// with no plotting library and no network.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace inflight::bench {

struct series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), both > 0
};

std::string log_log_chart(const std::string& title, const std::string& x_label,
                          const std::string& y_label, const std::vector<series>& lines);

}  // namespace inflight::bench
