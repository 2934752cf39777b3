// docs/results.md as the report reads it back: what comes before the first
// "## " heading, then one section per heading, so that a section no input
// regenerates can be kept as it was.
#pragma once

#include <istream>
#include <string>
#include <utility>
#include <vector>

namespace inflight::bench {

struct page {
  std::string preamble;
  std::vector<std::pair<std::string, std::string>> sections;  // heading, text
};

// `text` without its trailing blank lines, ending in one newline.
inline std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text + "\n";
}

inline page split_page(std::istream& in) {
  page p;
  std::string line, *text = &p.preamble;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) {
      p.sections.emplace_back(line.substr(3), "");
      text = &p.sections.back().second;
    }
    *text += line + "\n";
  }
  p.preamble = trimmed(p.preamble);
  for (auto& [heading, body] : p.sections) body = trimmed(body);
  return p;
}

// A section written by hand carries `<!-- by hand -->` under its heading.
inline bool by_hand(const std::string& section) {
  return section.find("<!-- by hand") != std::string::npos;
}

}  // namespace inflight::bench
