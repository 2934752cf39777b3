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
// Figures. Between `<!-- figures: docs/results.md -->` and `<!-- /figures -->`
// every figure with a unit (s, ms, µs, KiB, MiB, GiB, x) outside code must
// appear in that file, as the benchmark wrote it. A figure marked as
// approximate ("about 2 KiB", "~", "≈") is a reading, not a quote, and is left
// alone. So when results.md is regenerated, prose still quoting the old run
// fails here until it is brought up to date.
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
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "docs/figures.hpp"

namespace fs = std::filesystem;
using inflight::docs::figure;
using inflight::docs::figures_in;

namespace {

const std::string exercises_heading = "## Exercises";

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in{path};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool is_marker(const std::string& line) {
  return line.find("// [snippet:") != std::string::npos ||
         line.find("// [/snippet]") != std::string::npos ||
         line.find("// [exercise:") != std::string::npos ||
         line.find("// [/exercise]") != std::string::npos;
}

bool is_fence(const std::string& line) {
  return line.rfind("```", 0) == 0;
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

// GitHub's id for a heading: lower case, letters, digits, '-' and '_' kept,
// spaces to hyphens, everything else (punctuation, backticks, symbols such as
// arrows) dropped; a repeated id gets -1, -2... Letters of other scripts are
// kept; the symbol blocks below are the non-ASCII characters that are not.
bool is_symbol(char32_t c) {
  return (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
         (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F);
}

std::string slug(const std::string& heading) {
  std::string out;
  for (std::size_t i = 0; i < heading.size();) {
    const auto c = static_cast<unsigned char>(heading[i]);
    if (c < 0x80) {
      if (std::isalnum(c) != 0 || c == '-' || c == '_') {
        out += static_cast<char>(std::tolower(c));
      } else if (c == ' ') {
        out += '-';
      }
      ++i;
      continue;
    }
    // One UTF-8 sequence: its length from the lead byte, its code point.
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    char32_t point = c & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < length && i + k < heading.size(); ++k)
      point = (point << 6) | (static_cast<unsigned char>(heading[i + k]) & 0x3F);
    if (!is_symbol(point)) out += heading.substr(i, length);
    i += length;
  }
  return out;
}

std::set<std::string> anchors_of(const fs::path& doc) {
  // An explicit anchor, <a id="old-heading"></a>, keeps an old link working.
  static const std::regex explicit_id{R"re(<a id="([^"]+)"></a>)re"};
  std::set<std::string> ids;
  std::map<std::string, int> seen;
  bool in_fence = false;
  for (const auto& line : read_lines(doc)) {
    if (is_fence(line)) in_fence = !in_fence;
    if (std::smatch m; !in_fence && std::regex_search(line, m, explicit_id))
      ids.insert(m[1]);
    if (in_fence || line.rfind('#', 0) != 0) continue;
    const auto text = line.find_first_not_of('#');
    if (text == std::string::npos || line[text] != ' ') continue;
    std::string id = slug(line.substr(text + 1));
    const int n = seen[id]++;
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on
    // "-" + std::string inlined into +=.
    if (n > 0) {
      id += '-';
      id += std::to_string(n);
    }
    ids.insert(id);
  }
  return ids;
}

struct checker {
  fs::path root;
  bool fix = false;
  int problems = 0;
  std::map<fs::path, std::vector<exercise_region>> exercises;  // by chapter folder
  std::map<fs::path, std::set<std::string>> quoted;  // the figures each source holds

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

  // A figure in a figures region must be one the named source holds.
  void check_figures(const fs::path& doc, std::size_t n, const std::string& line,
                     const fs::path& source) {
    if (!fs::exists(root / source)) {
      complain(doc, n, "figures quoted from a missing file: " + source.string());
      return;
    }
    auto known = quoted.find(source);
    if (known == quoted.end()) {
      std::set<std::string> keys;
      for (const auto& l : read_lines(root / source))
        for (const figure& f : figures_in(l)) keys.insert(f.key);
      known = quoted.emplace(source, std::move(keys)).first;
    }
    for (const figure& f : figures_in(line)) {
      if (!f.approximate && known->second.count(f.key) == 0)
        complain(doc, n,
                 "figure " + f.key + " is not in " + source.string() +
                     " (stale? quote the current run, or mark a reading 'about')");
    }
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
    static const std::regex figures_open{R"(<!-- figures: (\S+) -->)"};
    std::optional<fs::path> figures_source;  // inside a figures region
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
    std::size_t fence_start = 0;
    std::vector<std::string> block;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out.push_back(lines[i]);
      if (!in_fence && lines[i] == exercises_heading) above_exercises = false;
      if (is_fence(lines[i])) {
        in_fence = !in_fence;
        if (in_fence) {
          fence_start = i + 1;
          block.clear();
        } else if (above_exercises) {
          check_spoiler(doc, fence_start, block);
        }
        continue;
      }
      if (in_fence) {
        block.push_back(lines[i]);
        continue;
      }
      check_links(doc, i + 1, lines[i]);
      std::smatch m;
      if (std::regex_search(lines[i], m, figures_open)) {
        figures_source = m[1].str();
        continue;
      }
      if (lines[i].find("<!-- /figures -->") != std::string::npos) figures_source.reset();
      if (figures_source) check_figures(doc, i + 1, lines[i], *figures_source);
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
  checker c{root, argc == 3, 0, {}, {}};
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
