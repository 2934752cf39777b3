// doc_check: the code in the docs is the code in the sources. Every
//   <!-- snippet: path/to/file.cpp#name -->
// in a Markdown file must be followed by a fenced block equal, line for line,
// to the lines between `// [snippet:name]` and `// [/snippet]` in that file;
// and every relative link must point at a file that exists.
//   doc_check ROOT          report drift, exit 1 if any
//   doc_check ROOT --fix    rewrite the blocks from the sources
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in{path};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
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
      body.push_back(lines[j]);
    }
  }
  return std::nullopt;
}

struct checker {
  fs::path root;
  bool fix = false;
  int problems = 0;

  void complain(const fs::path& doc, std::size_t line, const std::string& what) {
    std::cerr << fs::relative(doc, root).string() << ":" << line << ": " << what << "\n";
    ++problems;
  }

  void check_links(const fs::path& doc, std::size_t n, const std::string& line) {
    static const std::regex link{R"(\]\(([^)#\s]+)(#[^)]*)?\))"};
    for (std::sregex_iterator it{line.begin(), line.end(), link}, end; it != end; ++it) {
      const std::string target = (*it)[1];
      if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0)
        continue;
      if (!fs::exists(doc.parent_path() / target))
        complain(doc, n, "link to a missing file: " + target);
    }
  }

  void check(const fs::path& doc) {
    static const std::regex marker{R"(<!-- snippet: (\S+)#(\S+) -->)"};
    auto lines = read_lines(doc);
    std::vector<std::string> out;
    bool in_fence = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out.push_back(lines[i]);
      if (lines[i].rfind("```", 0) == 0) in_fence = !in_fence;
      if (!in_fence) check_links(doc, i + 1, lines[i]);
      std::smatch m;
      if (!std::regex_search(lines[i], m, marker)) continue;
      const auto source = snippet(root / m[1].str(), m[2].str());
      if (!source) {
        complain(doc, i + 1, "no snippet '" + m[2].str() + "' in " + m[1].str());
        continue;
      }
      if (i + 1 >= lines.size() || lines[i + 1].rfind("```", 0) != 0) {
        complain(doc, i + 1, "a snippet marker must be followed by a ``` block");
        continue;
      }
      std::size_t close = i + 2;
      while (close < lines.size() && lines[close].rfind("```", 0) != 0) ++close;
      const std::vector<std::string> shown(lines.begin() + static_cast<long>(i) + 2,
                                           lines.begin() + static_cast<long>(close));
      if (shown != *source && !fix)
        complain(doc, i + 2,
                 m[1].str() + "#" + m[2].str() +
                     " differs from the source (doc_check --fix rewrites it)");
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
  checker c{root, argc == 3};
  std::size_t docs = 0;
  for (auto it = fs::recursive_directory_iterator(c.root); it != fs::end(it); ++it) {
    const auto name = it->path().filename().string();
    if (it->is_directory() && (name == "build" || name.front() == '.')) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().extension() == ".md") {
      c.check(it->path());
      ++docs;
    }
  }
  std::cout << "doc_check: " << docs << " Markdown files, " << c.problems
            << " problems\n";
  return c.problems == 0 ? 0 : 1;
}
