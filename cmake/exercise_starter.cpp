// exercise_starter: makes an exercise's starter file from its solution, so the
// two cannot drift apart.
//
// Generated, yet kept in git: the learner edits a file a fresh clone already
// has and no build overwrites, while ctest regenerates every starter and fails
// when one differs, the way doc_check --fix keeps the docs' snippets in step.
//
// A starter is its solution with three things of its own:
//   - its opening comment (the lines up to the first that is not a // comment);
//   - its #include lines (it may add some, e.g. <stdexcept> for its throw, but
//     must keep every one of the solution's);
//   - for each [exercise:NAME] ... [/exercise] region of the solution (both
//     markers // comments), a [todo:NAME] ... [/todo] region: the TODO body.
// Every other line is the solution's, snippet markers left out.
//
//   exercise_starter SOLUTION STARTER         exit 1, naming the first line
//                                             that differs, if STARTER drifted
//   exercise_starter SOLUTION STARTER --fix   rewrite STARTER from SOLUTION
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using lines = std::vector<std::string>;

lines read_lines(const std::string& path) {
  std::ifstream in{path};
  if (!in) throw std::runtime_error(path + ": cannot be read");
  lines out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string trimmed(const std::string& line) {
  const auto first = line.find_first_not_of(" \t");
  return first == std::string::npos ? std::string() : line.substr(first);
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool is_include(const std::string& line) {
  return starts_with(line, "#include ");
}

// What an #include names, `<stdexcept>` or `"02_threads/pool.hpp"`, without
// any trailing comment.
std::string include_target(const std::string& line) {
  std::istringstream words{line.substr(std::string("#include ").size())};
  std::string target;
  words >> target;
  return target;
}

// The name in a `// [tag:NAME]` marker line, or "" if the line is not one.
std::string marker_name(const std::string& line, const std::string& tag) {
  const std::string open = "// [" + tag + ":";
  const std::string text = trimmed(line);
  if (!starts_with(text, open) || text.back() != ']') return "";
  return text.substr(open.size(), text.size() - open.size() - 1);
}

std::size_t end_of_opening_comment(const lines& file) {
  std::size_t i = 0;
  while (i < file.size() && starts_with(file[i], "//")) ++i;
  return i;
}

// [first, last] of the include section: from the first #include to the last
// one before anything but includes and blank lines (a #pragma ends it too).
std::pair<std::size_t, std::size_t> include_section(const lines& file, std::size_t from) {
  std::size_t first = from;
  while (first < file.size() && !is_include(file[first])) ++first;
  std::size_t last = first;
  for (std::size_t i = first; i < file.size(); ++i) {
    if (is_include(file[i])) {
      last = i;
    } else if (!file[i].empty()) {
      break;
    }
  }
  if (first == file.size()) throw std::runtime_error("no #include line");
  return {first, last};
}

// The starter's TODO regions by name, markers included.
std::map<std::string, lines> todo_regions(const lines& starter, const std::string& path) {
  std::map<std::string, lines> regions;
  for (std::size_t i = 0; i < starter.size(); ++i) {
    const std::string name = marker_name(starter[i], "todo");
    if (name.empty()) continue;
    lines region{starter[i]};
    for (++i; i < starter.size() && trimmed(starter[i]) != "// [/todo]"; ++i)
      region.push_back(starter[i]);
    if (i == starter.size())
      throw std::runtime_error(path + ": [todo:" + name + "] has no // [/todo]");
    region.push_back(starter[i]);
    regions[name] = region;
  }
  return regions;
}

lines generate(const lines& solution, const lines& starter,
               const std::string& solution_path, const std::string& starter_path) {
  lines out(starter.begin(), starter.begin() + end_of_opening_comment(starter));

  const auto [s_first, s_last] =
      include_section(solution, end_of_opening_comment(solution));
  const auto [t_first, t_last] = include_section(starter, out.size());
  std::set<std::string> kept;
  for (std::size_t i = t_first; i <= t_last; ++i)
    if (is_include(starter[i])) kept.insert(include_target(starter[i]));
  for (std::size_t i = s_first; i <= s_last; ++i) {
    if (is_include(solution[i]) && kept.count(include_target(solution[i])) == 0)
      throw std::runtime_error(starter_path + ": lacks the solution's #include " +
                               include_target(solution[i]) + ": add it");
  }

  std::map<std::string, lines> todos = todo_regions(starter, starter_path);
  for (std::size_t i = end_of_opening_comment(solution); i < solution.size(); ++i) {
    const std::string& line = solution[i];
    const std::string text = trimmed(line);
    if (i == s_first) {
      out.insert(out.end(), starter.begin() + static_cast<long>(t_first),
                 starter.begin() + static_cast<long>(t_last) + 1);
      i = s_last;
    } else if (starts_with(text, "// [snippet:") || text == "// [/snippet]") {
      continue;
    } else if (const std::string name = marker_name(line, "exercise"); !name.empty()) {
      const auto todo = todos.find(name);
      if (todo == todos.end())
        throw std::runtime_error(starter_path + ": no // [todo:" + name +
                                 "] region for the solution's [exercise:" + name + "]");
      out.insert(out.end(), todo->second.begin(), todo->second.end());
      todos.erase(todo);
      const std::size_t opened = i;
      while (i < solution.size() && trimmed(solution[i]) != "// [/exercise]") ++i;
      // Unclosed, it would take the rest of the solution out of the starter.
      if (i == solution.size())
        throw std::runtime_error(solution_path + ":" + std::to_string(opened + 1) +
                                 ": [exercise:" + name + "] has no // [/exercise]");
    } else {
      out.push_back(line);
    }
  }
  if (!todos.empty())
    throw std::runtime_error(starter_path + ": [todo:" + todos.begin()->first +
                             "] matches no [exercise:] region of " + solution_path);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2 || args.size() > 3 || (args.size() == 3 && args[2] != "--fix")) {
    std::cerr << "usage: exercise_starter SOLUTION STARTER [--fix]\n";
    return 2;
  }
  const std::string& solution_path = args[0];
  const std::string& starter_path = args[1];
  try {
    const lines starter = read_lines(starter_path);
    const lines wanted =
        generate(read_lines(solution_path), starter, solution_path, starter_path);
    if (args.size() == 3) {
      std::ofstream out{starter_path, std::ios::trunc};
      for (const std::string& line : wanted) out << line << '\n';
      return out ? 0 : 1;
    }
    const auto [mine, theirs] =
        std::mismatch(starter.begin(), starter.end(), wanted.begin(), wanted.end());
    if (mine == starter.end() && theirs == wanted.end()) return 0;
    const auto line = 1 + (mine - starter.begin());
    std::cerr << starter_path << ":" << line << ": the starter drifted from "
              << solution_path << " outside its [todo:] regions\n"
              << "  starter:  " << (mine == starter.end() ? "(end of file)" : *mine)
              << "\n"
              << "  expected: " << (theirs == wanted.end() ? "(end of file)" : *theirs)
              << "\n"
              << "  Change the solution and regenerate the starters with\n"
              << "  cmake --build --preset dev --target exercise_starters\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "exercise_starter: " << e.what() << "\n";
    return 1;
  }
}
