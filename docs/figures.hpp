// doc_check's figures rule (its header comment says why): every measured-looking
// figure of a page is either quoted, inside a region that names the section it
// comes from, or shown in a dated sample of a program's output, or listed on its
// line as a constant. This file finds the figures of a line and checks them.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "docs/markdown.hpp"

namespace inflight::docs {

// A figure as number + unit with no space and no thousands separators
// ("1.605s", "622µs"), so "1,000 s" in prose and "1000 s" in a table agree.
struct figure {
  std::string key;
  bool approximate = false;  // "about 2 KiB", "~2 KiB", "≈ 2 KiB": a reading
  double value = 0;
  std::string unit;
};

// The figures of one line: a number with a unit of time, size, share, speedup
// or concurrency. In prose (`code` false) `code spans` are left out; HTML
// comments always are (they hold the markers).
inline std::vector<figure> figures_in(const std::string& line, bool code = false) {
  static const std::regex comment{"<!--.*?-->"};
  static const std::regex span{"`[^`]*`"};
  static const std::regex quantity{
      R"((^|[^A-Za-z0-9_.,/=:-]))"  // not glued to a word, path, number or time of day
      R"((\d+(?:[.,]\d+)*) ?)"      // the number, "1,000" or "1.605"
      R"((µs|ms|s|min|KiB|MiB|GiB|kB|KB|MB|GB|%|x|in flight)(?![A-Za-z0-9]))"};
  std::string text = std::regex_replace(line, comment, "");
  if (!code) text = std::regex_replace(text, span, "``");
  std::vector<figure> found;
  for (std::sregex_iterator it{text.begin(), text.end(), quantity}, end; it != end;
       ++it) {
    std::string number = (*it)[2];
    number.erase(std::remove(number.begin(), number.end(), ','), number.end());
    std::string before = text.substr(0, static_cast<std::size_t>(it->position(2)));
    while (!before.empty() && before.back() == ' ') before.pop_back();
    const auto ends_with = [&before](const std::string& word) {
      return before.size() >= word.size() &&
             before.compare(before.size() - word.size(), word.size(), word) == 0;
    };
    std::string unit = (*it)[3];
    // "500s" and "1990s" are plurals; a time glued to its number has a decimal point.
    const bool spaced = text[static_cast<std::size_t>(it->position(3)) - 1] == ' ';
    if (unit == "s" && !spaced && number.find('.') == std::string::npos) continue;
    if (unit == "in flight") unit = " in flight";
    found.push_back({number + unit,
                     ends_with("about") || ends_with("~") || ends_with("≈"),
                     std::stod(number), unit});
  }
  return found;
}

// The figures a line lists as not quoted, by key: constants, `<!-- constants:
// 1 s, 10 s -->`, and arithmetic over the figures quoted beside them, which
// this check cannot redo, `<!-- derived: 2 KiB -->`.
inline std::set<std::string> constants_of(const std::string& line) {
  static const std::regex marker{"<!-- (?:constants|derived): (.*?) -->"};
  std::set<std::string> keys;
  std::smatch m;
  if (!std::regex_search(line, m, marker)) return keys;
  for (const figure& f : figures_in(m[1].str(), true)) keys.insert(f.key);
  return keys;
}

// The figures a section of a results page holds: from its heading to the next
// heading of the same or a higher level, fenced blocks included, the page's own
// figures regions left out (a quote does not back another quote). nullopt when
// the file or the heading is missing.
inline std::optional<std::vector<figure>> section_figures(
    const std::filesystem::path& file, const std::string& id) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  const auto lines = read_lines(file);
  const auto ids = heading_ids(lines);
  const auto start = std::find(ids.begin(), ids.end(), id);
  if (start == ids.end()) return std::nullopt;
  auto i = static_cast<std::size_t>(start - ids.begin());
  const int level = heading_level(lines[i]);
  std::vector<figure> held;
  bool quoted = false;
  bool in_fence = false;
  for (++i; i < lines.size(); ++i) {
    if (is_fence(lines[i])) in_fence = !in_fence;
    if (!ids[i].empty() && heading_level(lines[i]) <= level) break;
    // A quote is not its own source: skip every line of a region, the lines
    // holding its markers included (markers may end lines of prose).
    const bool opens = lines[i].find("<!-- figures:") != std::string::npos;
    const bool closes = lines[i].find("<!-- /figures -->") != std::string::npos;
    if (opens) quoted = true;
    if (quoted || opens || closes) {
      if (closes) quoted = false;
      continue;
    }
    for (figure& f : figures_in(lines[i], in_fence)) held.push_back(std::move(f));
  }
  return held;
}

// A unit's kind and its size in the kind's base unit (s, byte).
struct unit_scale {
  std::string kind;
  double size = 1;
};

inline unit_scale scale_of(const std::string& unit) {
  static const std::map<std::string, unit_scale> units{
      {"µs", {"s", 1e-6}},          {"ms", {"s", 1e-3}},    {"s", {"s", 1}},
      {"min", {"s", 60}},           {"KiB", {"B", 1024.0}}, {"MiB", {"B", 1048576.0}},
      {"GiB", {"B", 1073741824.0}}, {"kB", {"B", 1e3}},     {"KB", {"B", 1e3}},
      {"MB", {"B", 1e6}},           {"GB", {"B", 1e9}}};
  const auto found = units.find(unit);
  return found == units.end() ? unit_scale{unit, 1} : found->second;
}

// Whether a quoted figure is one the sections hold: the same figure, in any
// unit of its kind, or it rounded to the digits the quote gives ("1.6 s" for
// 1.598 s, "3 ms" for 0.003 s). A reading ("about 1.1 s") must lie within 20%
// of one of them.
inline bool backed(const figure& f, const std::vector<figure>& held) {
  const auto mine = scale_of(f.unit);
  const auto point = f.key.find('.');
  const int digits =
      point == std::string::npos
          ? 0
          : static_cast<int>(f.key.find_first_not_of("0123456789", point + 1) - point -
                             1);
  const double step = std::pow(10.0, -digits);
  for (const figure& h : held) {
    const auto theirs = scale_of(h.unit);
    if (theirs.kind != mine.kind) continue;
    const double value = h.value * theirs.size / mine.size;  // in the quote's unit
    if (f.approximate ? std::abs(value - f.value) <= 0.2 * std::abs(value)
                      : std::abs(std::round(value / step) * step - f.value) < step / 10)
      return true;
  }
  return false;
}

// The rule, line by line, over one page at a time. Each call returns the
// problems of that line.
class figures_rule {
 public:
  explicit figures_rule(std::filesystem::path root) : root_{std::move(root)} {}

  void start_page() {
    region_.reset();
    sample_ = false;
    table_sample_ = false;
    region_line_ = 0;
  }

  // A fence opens (`opening`) or closes; `previous` is the line before it.
  void fence(bool opening, const std::string& previous) {
    sample_ = false;
    if (!opening) return;
    sample_ = std::regex_search(previous, dated());
  }

  std::vector<std::string> line(std::size_t n, const std::string& text, bool in_fence) {
    std::vector<std::string> problems;
    // A sample marker also covers the table right after it.
    if (!in_fence) {
      const bool marked = std::regex_search(text, dated());
      if (table_sample_ && text.rfind('|', 0) == 0) return problems;
      table_sample_ = marked;
      if (marked && text.find_first_not_of(' ') == text.find("<!--")) return problems;
    }
    if (in_fence && sample_) return problems;
    // A region opens before the line that holds its marker is checked, and
    // closes after: markers may end a line of prose.
    const bool closes = !in_fence && text.find("<!-- /figures -->") != std::string::npos;
    if (!in_fence) open(n, text, problems);
    if (closes && !region_) problems.push_back("<!-- /figures --> closes no region");
    const auto constants = constants_of(text);
    std::set<std::string> used;
    for (const figure& f : figures_in(text, in_fence)) {
      if (constants.count(f.key) != 0) {
        used.insert(f.key);
        continue;
      }
      if (!region_) {
        problems.push_back("figure " + f.key +
                           " outside a figures region: quote it from results in "
                           "<!-- figures: docs/results.md#section -->, or list it in "
                           "<!-- constants: ... --> if it is not a measurement");
      } else if (!backed(f, region_->held)) {
        problems.push_back("figure " + f.key + " is not in " + region_->names +
                           " (stale? quote the current run)");
      }
    }
    for (const auto& c : constants)
      if (used.count(c) == 0)
        problems.push_back("constant " + c + " is not on this line");
    if (closes) region_.reset();
    return problems;
  }

  std::vector<std::string> end_page() {
    if (!region_) return {};
    return {"the figures region opened on line " + std::to_string(region_line_) +
            " is not closed with <!-- /figures -->"};
  }

 private:
  struct region {
    std::string names;
    std::vector<figure> held;
  };

  // Opens the region a line's marker names, if it holds one.
  void open(std::size_t n, const std::string& text, std::vector<std::string>& problems) {
    static const std::regex open{R"(<!-- figures: (.+?) -->)"};
    std::smatch m;
    if (!std::regex_search(text, m, open)) return;
    if (region_)
      problems.push_back("a figures region opens inside the one of line " +
                         std::to_string(region_line_));
    region r{m[1].str(), {}};
    static const std::regex source{R"(\S+)"};
    const std::string list = m[1].str();
    for (std::sregex_iterator it{list.begin(), list.end(), source}, end; it != end;
         ++it) {
      const std::string name = it->str();
      const auto hash = name.find('#');
      if (hash == std::string::npos) {
        problems.push_back("figures region quotes " + name +
                           " as a whole: name its section, " + name + "#heading-id");
        continue;
      }
      const auto held =
          section_figures(root_ / name.substr(0, hash), name.substr(hash + 1));
      if (!held) {
        problems.push_back("figures quoted from a missing file or section: " + name);
        continue;
      }
      r.held.insert(r.held.end(), held->begin(), held->end());
    }
    region_ = std::move(r);
    region_line_ = n;
  }

  static const std::regex& dated() {
    static const std::regex marker{R"(<!-- sample: .*\d{4}-\d{2}-\d{2}.* -->)"};
    return marker;
  }

  std::filesystem::path root_;
  bool table_sample_ = false;
  std::optional<region> region_;
  std::size_t region_line_ = 0;
  bool sample_ = false;
};

}  // namespace inflight::docs
