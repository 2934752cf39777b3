// doc_check: the code in the docs is the code in the sources, no README gives
// its exercise away, and every link leads somewhere.
//
// Snippets. Every
//   <!-- snippet: path/to/file.cpp#name -->
// in a Markdown file must be followed by a fenced block equal, line for line,
// to the lines between `// [snippet:name]` and `// [/snippet]` in that file
// (marker lines of other snippets or exercises inside it are left out).
//
// Exercises. The code an exercise asks for is marked in the solution source:
//   // [exercise:name]  ...  // [/exercise]
// Those regions, in the sources of a chapter folder, belong to that folder's
// README.md. There, no fenced block above the `## Exercises` heading may share
// three or more lines of code, and 40% or more of its lines, with a region
// (blank lines, comments, and lines of braces and keywords alone do not
// count): the walkthrough of an exercise's answer goes below the heading, or
// on a page read after it. Code pasted by hand is caught as well as code
// included by a snippet marker.
//
// Figures (docs/figures.hpp). A figure is a number with a unit of time, size,
// share, speedup or concurrency (s, ms, µs, min, KiB, MB, %, x, "N in flight"),
// in prose or in a fenced output block (text, console, sh; not code in a
// language). Every figure of every page but the results pages
// (docs/results.md, docs/first_run.md) must be one of:
//   quoted, between `<!-- figures: docs/results.md#section-id -->` (one or more
//     path#heading-id, space-separated) and `<!-- /figures -->` (the lines
//     holding the markers included, so they may end lines of prose), and held
//     by one of the named sections: the same number and unit ("about 1.1 s",
//     "~", "≈" is a reading and must lie within 20% of one; a figure rounded to
//     fewer digits or put in another unit of its kind is the same figure);
//   shown in a sample: a fenced block or table right after the line holding
//     `<!-- sample: ... -->`, whose text gives the run's date (YYYY-MM-DD): a
//     dated record of one run, kept as printed; prose quoting a
//     sample is quoted from the sample's section of its own page like any
//     other source;
//   not a quote, listed on its own line: a constant (a delay asked for, a
//     default, a limit), `<!-- constants: 1 s, 10 s -->`, or arithmetic over
//     quoted figures, `<!-- derived: 2 KiB -->`; a listed figure that is not
//     on that line is an error too.
// Why: a figure stays true only while a check ties it to the one run it came
// from, so a quote must name that run's section (not match any row anywhere)
// and every other figure must say what it is, leaving no figure unchecked.
//
// Fields. A table right after `<!-- fields: path/to/source.cpp -->` documents
// the JSON a source writes: every `name` in its first column must appear in
// that source as "name", so a renamed field fails here.
//
// Links. Every relative link must point at a file that exists, and a link
// with an #anchor into a Markdown file at one of its headings (GitHub's ids)
// or at an explicit <a id="..."></a>.
//
//   doc_check ROOT          report problems, exit 1 if any
//   doc_check ROOT --fix    rewrite the snippet blocks from the sources first
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "docs/figures.hpp"
#include "docs/markdown.hpp"

namespace fs = std::filesystem;
using inflight::docs::figures_rule;
using inflight::docs::heading_ids;
using inflight::docs::is_fence;
using inflight::docs::read_lines;

namespace {

const std::string exercises_heading = "## Exercises";

bool is_marker(const std::string& line) {
  return line.find("// [snippet:") != std::string::npos ||
         line.find("// [/snippet]") != std::string::npos ||
         line.find("// [exercise:") != std::string::npos ||
         line.find("// [/exercise]") != std::string::npos;
}

// The lines between the markers of `name` in `source`, or nullopt.
std::optional<std::vector<std::string>> snippet(const fs::path& source,
                                                const std::string& name) {
  const auto lines = read_lines(source);
  const std::string open = "// [snippet:" + name + "]";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(open) == std::string::npos) continue;
    std::vector<std::string> body;
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[j].find("// [/snippet]") != std::string::npos) return body;
      if (!is_marker(lines[j])) body.push_back(lines[j]);
    }
  }
  return std::nullopt;
}

// A line that says something: trimmed, its trailing comment dropped, and
// naming at least one thing that is not a keyword (so `try {`, `} else {` and
// lines of braces or comments alone do not count). Only these count when
// comparing a block with an exercise.
std::optional<std::string> significant(const std::string& line) {
  static const std::set<std::string> keywords{
      "auto",      "bool",    "break",  "case", "catch", "const", "continue", "co_await",
      "co_return", "default", "do",     "else", "false", "for",   "if",       "int",
      "nullptr",   "return",  "switch", "true", "try",   "void",  "while"};
  std::string text = line;
  if (const auto comment = text.find("//"); comment != std::string::npos)
    text.erase(comment);
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return std::nullopt;
  const auto last = text.find_last_not_of(" \t\r");
  text = text.substr(first, last - first + 1);
  if (text.rfind("*", 0) == 0) return std::nullopt;  // inside a /* */ comment
  static const std::regex word{R"([A-Za-z_][A-Za-z0-9_]*)"};
  for (std::sregex_iterator it{text.begin(), text.end(), word}, end; it != end; ++it) {
    if (keywords.count(it->str()) == 0) return text;
  }
  return std::nullopt;
}

struct exercise_region {
  fs::path source;
  std::string name;
  std::set<std::string> lines;  // significant lines
};

std::set<std::string> anchors_of(const fs::path& doc) {
  // An explicit anchor, <a id="old-heading"></a>, keeps an old link working.
  static const std::regex explicit_id{R"re(<a id="([^"]+)"></a>)re"};
  const auto lines = read_lines(doc);
  const auto headings = heading_ids(lines);
  std::set<std::string> ids(headings.begin(), headings.end());
  ids.erase("");
  bool in_fence = false;
  for (const auto& line : lines) {
    if (is_fence(line)) in_fence = !in_fence;
    if (std::smatch m; !in_fence && std::regex_search(line, m, explicit_id))
      ids.insert(m[1]);
  }
  return ids;
}

struct checker {
  fs::path root;
  bool fix = false;
  int problems = 0;
  std::map<fs::path, std::vector<exercise_region>> exercises;  // by chapter folder
  figures_rule figures;

  void complain(const fs::path& doc, std::size_t line, const std::string& what) {
    std::cerr << fs::relative(doc, root).string() << ":" << line << ": " << what << "\n";
    ++problems;
  }

  // Reads the // [exercise:name] regions of one source file.
  void collect_exercises(const fs::path& source) {
    const auto lines = read_lines(source);
    static const std::regex open{R"(// \[exercise:([^\]]+)\])"};
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::smatch m;
      if (!std::regex_search(lines[i], m, open)) continue;
      exercise_region region{source, m[1].str(), {}};
      std::size_t j = i + 1;
      for (; j < lines.size() && lines[j].find("// [/exercise]") == std::string::npos;
           ++j) {
        if (is_marker(lines[j])) continue;
        if (auto s = significant(lines[j])) region.lines.insert(*s);
      }
      if (j == lines.size()) {
        complain(source, i + 1, "exercise '" + region.name + "' has no // [/exercise]");
      } else if (region.lines.empty()) {
        complain(source, i + 1, "exercise '" + region.name + "' marks no code");
      } else {
        exercises[source.parent_path()].push_back(std::move(region));
      }
      i = j;
    }
  }

  void check_links(const fs::path& doc, std::size_t n, const std::string& line) {
    static const std::regex link{R"(\]\(([^)#\s]*)(#[^)\s]*)?\))"};
    for (std::sregex_iterator it{line.begin(), line.end(), link}, end; it != end; ++it) {
      const std::string target = (*it)[1];
      const std::string anchor = (*it)[2].matched ? (*it)[2].str().substr(1) : "";
      if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0)
        continue;
      const fs::path file = target.empty() ? doc : doc.parent_path() / target;
      if (!fs::exists(file)) {
        complain(doc, n, "link to a missing file: " + target);
        continue;
      }
      if (anchor.empty() || file.extension() != ".md") continue;
      if (anchors_of(file).count(anchor) == 0)
        complain(doc, n, "link to a missing heading: " + target + "#" + anchor);
    }
  }

  // The `names` in the first column of the table after a fields marker must
  // be strings of the source it names.
  void check_fields(const fs::path& doc, const std::vector<std::string>& lines,
                    std::size_t marker, const std::string& source) {
    std::ifstream in{root / source};
    if (!in) {
      complain(doc, marker + 1, "fields of a missing file: " + source);
      return;
    }
    const std::string text{std::istreambuf_iterator<char>{in}, {}};
    static const std::regex name{"`([^`]+)`"};
    std::size_t row = marker + 1;
    for (; row < lines.size() && lines[row].rfind('|', 0) == 0; ++row) {
      const std::string cell = lines[row].substr(1, lines[row].find('|', 1) - 1);
      for (std::sregex_iterator it{cell.begin(), cell.end(), name}, end; it != end; ++it)
        if (text.find("\"" + (*it)[1].str() + "\"") == std::string::npos)
          complain(doc, row + 1, "field `" + (*it)[1].str() + "` is not in " + source);
    }
    if (row == marker + 1)
      complain(doc, marker + 1, "a fields marker must be followed by a table");
  }

  // A fenced block above the Exercises heading that shares three or more lines
  // of code with one of the chapter's exercise regions gives the answer away.
  void check_spoiler(const fs::path& doc, std::size_t line,
                     const std::vector<std::string>& block) {
    const auto found = exercises.find(doc.parent_path());
    if (found == exercises.end()) return;
    for (const exercise_region& region : found->second) {
      std::size_t shared = 0;
      for (const auto& l : block) {
        if (auto s = significant(l); s && region.lines.count(*s) != 0) ++shared;
      }
      // Three lines of a tiny answer, or 40% of a longer one: below that the
      // lines in common are the generic ones (a for over the URLs, a catch).
      if (shared >= 3 && shared * 5 >= region.lines.size() * 2)
        complain(doc, line,
                 "spoiler: this block shows " + std::to_string(shared) +
                     " lines of exercise '" + region.name + "' (" +
                     fs::relative(region.source, root).string() + ") above the '" +
                     exercises_heading +
                     "' heading; move it below, or to a page "
                     "read after the exercise");
    }
  }

  void check(const fs::path& doc) {
    static const std::regex marker{R"(<!-- snippet: (\S+)#(\S+) -->)"};
    // The figures rule reads every page but the results pages it checks against.
    const auto name = fs::relative(doc, root).generic_string();
    const bool results = name == "docs/results.md" || name == "docs/first_run.md";
    const auto figures_problems = [&](std::size_t n,
                                      const std::vector<std::string>& found) {
      if (!results)
        for (const auto& what : found) complain(doc, n, what);
    };
    figures.start_page();
    auto lines = read_lines(doc);
    const bool has_exercises =
        exercises.count(doc.parent_path()) != 0 && doc.filename() == "README.md";
    bool above_exercises = has_exercises;
    if (has_exercises &&
        std::find(lines.begin(), lines.end(), exercises_heading) == lines.end())
      complain(doc, 1,
               "the chapter marks exercise code but this README has no '" +
                   exercises_heading + "' heading");
    std::vector<std::string> out;
    bool in_fence = false;
    bool output_fence = false;
    std::size_t fence_start = 0;
    std::vector<std::string> block;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out.push_back(lines[i]);
      if (!in_fence && lines[i] == exercises_heading) above_exercises = false;
      if (is_fence(lines[i])) {
        in_fence = !in_fence;
        figures.fence(in_fence, i > 0 ? lines[i - 1] : std::string());
        if (in_fence) {
          fence_start = i + 1;
          block.clear();
          // Program output and shell sessions carry figures; code in a language does not.
          static const std::set<std::string> output{"",   "text", "console",
                                                    "sh", "bash", "shell"};
          output_fence = output.count(inflight::docs::fence_language(lines[i])) != 0;
        } else if (above_exercises) {
          check_spoiler(doc, fence_start, block);
        }
        continue;
      }
      if (in_fence) {
        block.push_back(lines[i]);
        if (output_fence) figures_problems(i + 1, figures.line(i + 1, lines[i], true));
        continue;
      }
      check_links(doc, i + 1, lines[i]);
      std::smatch m;
      static const std::regex fields{R"(<!-- fields: (\S+) -->)"};
      if (std::regex_search(lines[i], m, fields)) check_fields(doc, lines, i, m[1].str());
      figures_problems(i + 1, figures.line(i + 1, lines[i], false));
      if (!std::regex_search(lines[i], m, marker)) continue;
      const auto source = snippet(root / m[1].str(), m[2].str());
      if (!source) {
        complain(doc, i + 1, "no snippet '" + m[2].str() + "' in " + m[1].str());
        continue;
      }
      if (i + 1 >= lines.size() || !is_fence(lines[i + 1])) {
        complain(doc, i + 1, "a snippet marker must be followed by a ``` block");
        continue;
      }
      std::size_t close = i + 2;
      while (close < lines.size() && !is_fence(lines[close])) ++close;
      const std::vector<std::string> shown(lines.begin() + static_cast<long>(i) + 2,
                                           lines.begin() + static_cast<long>(close));
      if (shown != *source && !fix)
        complain(doc, i + 2,
                 m[1].str() + "#" + m[2].str() +
                     " differs from the source (doc_check --fix rewrites it)");
      if (above_exercises) check_spoiler(doc, i + 2, *source);
      out.push_back(lines[i + 1]);
      out.insert(out.end(), source->begin(), source->end());
      if (close < lines.size()) out.push_back(lines[close]);
      i = close;  // past the block: its fences are not prose
    }
    figures_problems(lines.size(), figures.end_page());
    if (fix && out != lines) {
      std::ofstream rewrite{doc};
      for (const auto& line : out) rewrite << line << "\n";
      std::cout << "rewrote " << fs::relative(doc, root).string() << "\n";
    }
  }
};

// Every file under root but build trees and hidden folders.
template <typename F>
void walk(const fs::path& root, F visit) {
  for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it) {
    const auto name = it->path().filename().string();
    if (it->is_directory() && (name == "build" || name.front() == '.')) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) visit(it->path());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string(argv[2]) != "--fix")) {
    std::cerr << "usage: doc_check ROOT [--fix]\n";
    return 2;
  }
  std::error_code error;
  const fs::path root = fs::canonical(argv[1], error);
  if (error || !fs::is_directory(root)) {
    std::cerr << "doc_check: " << argv[1] << ": not a directory"
              << (error ? " (" + error.message() + ")" : std::string()) << "\n"
              << "usage: doc_check ROOT [--fix]\n";
    return 2;
  }
  checker c{root, argc == 3, 0, {}, figures_rule{root}};
  walk(root, [&c](const fs::path& file) {
    const auto ext = file.extension();
    // docs/ holds this checker and its test, whose text names the markers.
    const bool tool = fs::relative(file, c.root).begin()->string() == "docs";
    if (!tool && (ext == ".cpp" || ext == ".hpp")) c.collect_exercises(file);
  });
  std::size_t docs = 0;
  walk(root, [&c, &docs](const fs::path& file) {
    if (file.extension() != ".md") return;
    c.check(file);
    ++docs;
  });
  std::size_t regions = 0;
  for (const auto& [folder, list] : c.exercises) regions += list.size();
  std::cout << "doc_check: " << docs << " Markdown files, " << regions
            << " exercise regions, " << c.problems << " problems\n";
  return c.problems == 0 ? 0 : 1;
}
