#include "benchmarks/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace inflight::bench {
namespace {

constexpr double width = 780, height = 440;
constexpr double left = 80, right = 250, top = 40, bottom = 60;  // margins
const char* const colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                               "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string label(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::string log_log_chart(const std::string& title, const std::string& x_label,
                          const std::string& y_label, const std::vector<series>& lines) {
  double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
  for (const auto& s : lines)
    for (const auto& [x, y] : s.points) {
      x0 = std::min(x0, x), x1 = std::max(x1, x);
      y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  if (x1 <= 0 || y1 <= 0) x0 = y0 = 1, x1 = y1 = 10;
  // Whole decades, so the grid lines fall on 1, 10, 100, ...
  const double lx0 = std::floor(std::log10(x0)),
               lx1 = std::max(lx0 + 1, std::ceil(std::log10(x1)));
  const double ly0 = std::floor(std::log10(y0)),
               ly1 = std::max(ly0 + 1, std::ceil(std::log10(y1)));
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  auto px = [&](double x) { return left + (std::log10(x) - lx0) / (lx1 - lx0) * plot_w; };
  auto py = [&](double y) { return top + (ly1 - std::log10(y)) / (ly1 - ly0) * plot_h; };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << width / 2
      << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << title << "</text>\n";
  for (double d = lx0; d <= lx1; ++d) {
    const double x = px(std::pow(10, d));
    svg << "<line x1=\"" << x << "\" y1=\"" << top << "\" x2=\"" << x << "\" y2=\""
        << top + plot_h << "\" stroke=\"#ddd\"/>\n<text x=\"" << x << "\" y=\""
        << top + plot_h + 18 << "\" text-anchor=\"middle\">" << label(std::pow(10, d))
        << "</text>\n";
  }
  for (double d = ly0; d <= ly1; ++d) {
    const double y = py(std::pow(10, d));
    svg << "<line x1=\"" << left << "\" y1=\"" << y << "\" x2=\"" << left + plot_w
        << "\" y2=\"" << y << "\" stroke=\"#ddd\"/>\n<text x=\"" << left - 8 << "\" y=\""
        << y + 4 << "\" text-anchor=\"end\">" << label(std::pow(10, d)) << "</text>\n";
  }
  svg << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << height - 18
      << "\" text-anchor=\"middle\">" << x_label << "</text>\n"
      << "<text transform=\"translate(20," << top + plot_h / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << y_label << "</text>\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const char* colour = colours[i % std::size(colours)];
    // Past the palette, the colours come round again dashed: 16 lines stay apart.
    const std::string dash =
        i >= std::size(colours) ? " stroke-dasharray=\"6,3\"" : std::string();
    std::string points;
    for (const auto& [x, y] : lines[i].points) {
      points += label(px(x)) + "," + label(py(y)) + " ";
      svg << "<circle cx=\"" << px(x) << "\" cy=\"" << py(y) << "\" r=\"3\" fill=\""
          << colour << "\"/>\n";
    }
    svg << "<polyline fill=\"none\" stroke=\"" << colour << "\"" << dash
        << " stroke-width=\"2\" points=\"" << points << "\"/>\n";
    const double ly = top + 10 + 20 * static_cast<double>(i);
    svg << "<line x1=\"" << width - right + 12 << "\" y1=\"" << ly << "\" x2=\""
        << width - right + 32 << "\" y2=\"" << ly << "\" stroke=\"" << colour << "\""
        << dash << " stroke-width=\"2\"/>\n<text x=\"" << width - right + 38 << "\" y=\""
        << ly + 4 << "\">" << lines[i].name << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace inflight::bench
