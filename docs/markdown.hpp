// What doc_check needs to read Markdown: its lines, its fences, and GitHub's
// ids for its headings.
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace inflight::docs {

inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A fence opens or closes a code block, at the start of a line or indented
// inside a list item.
inline bool is_fence(const std::string& line) {
  const auto text = line.find_first_not_of(' ');
  return text != std::string::npos && line.compare(text, 3, "```") == 0;
}

// The language a fence names ("cpp", "text"), or "" for none.
inline std::string fence_language(const std::string& line) {
  return line.substr(line.find_first_not_of(' ') + 3);
}

// GitHub's id for a heading: lower case, letters, digits, '-' and '_' kept,
// spaces to hyphens, everything else (punctuation, backticks, symbols such as
// arrows) dropped; a repeated id gets -1, -2... Letters of other scripts are
// kept; the symbol blocks below are the non-ASCII characters that are not.
inline bool is_symbol(char32_t c) {
  return (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
         (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F);
}

inline std::string slug(const std::string& heading) {
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

// The level (1 to 6) of a heading line outside a fence, or 0.
inline int heading_level(const std::string& line) {
  const auto text = line.find_first_not_of('#');
  if (line.rfind('#', 0) != 0 || text == std::string::npos || text > 6 ||
      line[text] != ' ')
    return 0;
  return static_cast<int>(text);
}

// The id of each heading of a document, in order, with GitHub's -1, -2 for
// repeats: ids[i] is the id of line i, or "" where line i is not a heading.
inline std::vector<std::string> heading_ids(const std::vector<std::string>& lines) {
  std::vector<std::string> ids(lines.size());
  std::vector<std::string> seen;
  bool in_fence = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_fence(lines[i])) in_fence = !in_fence;
    const int level = in_fence ? 0 : heading_level(lines[i]);
    if (level == 0) continue;
    std::string id = slug(lines[i].substr(static_cast<std::size_t>(level) + 1));
    const auto n = std::count(seen.begin(), seen.end(), id);
    seen.push_back(id);
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on
    // "-" + std::string inlined into +=.
    if (n > 0) {
      id += '-';
      id += std::to_string(n);
    }
    ids[i] = id;
  }
  return ids;
}

}  // namespace inflight::docs
