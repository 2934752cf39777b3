// The figures of a line of Markdown, for doc_check's figures rule: each
// number with a unit, outside `code`, and whether the prose marks it as
// approximate. Leaves out: figures without a unit (counts, N).
#pragma once

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace inflight::docs {

// A figure as number + unit with no space and no thousands separators
// ("1.605s", "622µs"), so "1,000 s" in prose and "1000 s" in a table agree.
struct figure {
  std::string key;
  bool approximate = false;  // "about 2 KiB", "~2 KiB", "≈ 2 KiB": a reading
};

inline std::vector<figure> figures_in(const std::string& line) {
  static const std::regex code{"`[^`]*`"};
  static const std::regex quantity{
      R"((^|[^A-Za-z0-9_.,/=-]))"  // not glued to a word, path or number
      R"((\d+(?:[.,]\d+)*) ?)"     // the number, "1,000" or "1.605"
      R"((µs|ms|s|KiB|MiB|GiB|x)(?![A-Za-z0-9]))"};  // its unit, a word of its own
  const std::string text = std::regex_replace(line, code, "``");
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
    found.push_back({number + (*it)[3].str(),
                     ends_with("about") || ends_with("~") || ends_with("≈")});
  }
  return found;
}

}  // namespace inflight::docs
