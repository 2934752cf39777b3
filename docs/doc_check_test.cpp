// doc_check against small trees written for each test: it passes a tree that
// follows the rules and fails each one that breaks one, saying why.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

// A chapter folder with one solution file whose answer is marked as an
// exercise, and a snippet beside it that is not part of the exercise.
const char* const solution = R"(#include <vector>
// [snippet:given]
int given_helper(int x) { return x * 2; }
// [/snippet]

// [snippet:answer]
// [exercise:sum_all]
int sum_all(const std::vector<int>& values) {
  int total = 0;
  for (const int v : values) total += given_helper(v);
  return total;
}
// [/exercise]
// [/snippet]
)";

struct outcome {
  int status = 0;
  std::string errors;
};

class doc_check_tree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("doc_check_test." + std::to_string(::getpid()) + "." +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "01_chapter");
    write("01_chapter/lesson.cpp", solution);
    write("docs/concepts.md", "# Concepts\n\n## The event loop: the waiter\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream{root_ / path} << text;
  }

  outcome run() {
    const fs::path errors = root_ / "errors.txt";
    const std::string command = std::string(DOC_CHECK) + " " + root_.string() +
                                " > /dev/null 2> " + errors.string();
    const int raw = std::system(command.c_str());
    std::ifstream in{errors};
    std::stringstream text;
    text << in.rdbuf();
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, text.str()};
  }

  fs::path root_;
};

const char* const snippet_answer =
    "<!-- snippet: 01_chapter/lesson.cpp#answer -->\n"
    "```cpp\n"
    "int sum_all(const std::vector<int>& values) {\n"
    "  int total = 0;\n"
    "  for (const int v : values) total += given_helper(v);\n"
    "  return total;\n"
    "}\n"
    "```\n";

TEST_F(doc_check_tree, passes_a_readme_that_shows_the_answer_after_the_exercise) {
  write(
      "01_chapter/README.md",
      std::string(
          "# 01\n\nRead [the primer](../docs/concepts.md#the-event-loop-the-waiter).\n\n"
          "<!-- snippet: 01_chapter/lesson.cpp#given -->\n"
          "```cpp\nint given_helper(int x) { return x * 2; }\n```\n\n"
          "## Exercises\n\nWrite `sum_all`, with the [cheat "
          "sheet](#python--c-cheat-sheet) "
          "and [its `when_all`](#when_all-gather).\n\n"
          "## Python ↔ C++ cheat sheet\n\n## `when_all`: gather\n\n"
          "## Walkthrough\n\n") +
          snippet_answer);
  const outcome o = run();
  EXPECT_EQ(o.status, 0) << o.errors;
}

TEST_F(doc_check_tree, fails_a_snippet_of_the_answer_above_the_exercises_heading) {
  write("01_chapter/README.md", std::string("# 01\n\n") + snippet_answer +
                                    "\n## Exercises\n\nWrite `sum_all`.\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("spoiler"), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("sum_all"), std::string::npos) << o.errors;
}

TEST_F(doc_check_tree, fails_the_answer_pasted_above_the_exercises_heading) {
  // No snippet marker: the same lines typed in by hand are caught as well.
  write("01_chapter/README.md",
        "# 01\n\n```cpp\n  int total = 0;\n  for (const int v : values) total += "
        "given_helper(v);\n  return total;\n```\n\n## Exercises\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("spoiler"), std::string::npos) << o.errors;
}

TEST_F(doc_check_tree, fails_a_chapter_with_exercise_code_but_no_exercises_heading) {
  write("01_chapter/README.md", "# 01\n\nNo exercises here.\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("no '## Exercises' heading"), std::string::npos) << o.errors;
}

TEST_F(doc_check_tree, fails_a_snippet_that_drifted_from_its_source) {
  write("01_chapter/README.md",
        "# 01\n\n<!-- snippet: 01_chapter/lesson.cpp#given -->\n"
        "```cpp\nint given_helper(int x) { return x * 3; }\n```\n\n## Exercises\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("differs from the source"), std::string::npos) << o.errors;
}

TEST_F(doc_check_tree, fails_links_to_a_missing_file_or_heading) {
  write("01_chapter/README.md",
        "# 01\n\n[gone](gone.md), [no such part](../docs/concepts.md#threads), "
        "[here](#nowhere)\n\n## Exercises\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("missing file: gone.md"), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("missing heading: ../docs/concepts.md#threads"),
            std::string::npos)
      << o.errors;
  EXPECT_NE(o.errors.find("missing heading: #nowhere"), std::string::npos) << o.errors;
}

const char* const results =
    "# Results\n\n## drivers_bench\n\n| model | N | wall | CPU / request |\n"
    "| poll | 1000 | 1.605 s | 622 µs |\n\n## models_bench\n\n"
    "| model | N | wall | CPU / request |\n| coroutines | 1000 | 1.148 s | 660 µs |\n";

// A page quoting results.md's drivers_bench, with CPU_FIGURE to fill in.
std::string scale_page(const std::string& cpu) {
  std::string text =
      "# Scale\n\n<!-- figures: docs/results.md#drivers_bench -->\nAt 1,000 it took "
      "1.605 s and CPU_FIGURE of CPU, about 1.6 s in all (`--delay 0.5 s`).\n"
      "<!-- /figures -->\n";
  return text.replace(text.find("CPU_FIGURE"), 10, cpu);
}

TEST_F(doc_check_tree, passes_figures_its_section_holds_and_fails_a_changed_one) {
  write("docs/results.md", results);
  write("docs/scale.md", scale_page("622 µs"));
  const outcome current = run();
  EXPECT_EQ(current.status, 0) << current.errors;

  write("docs/scale.md", scale_page("623 µs"));  // one digit off
  const outcome changed = run();
  EXPECT_EQ(changed.status, 1);
  EXPECT_NE(changed.errors.find("docs/scale.md:4: figure 623µs is not in "
                                "docs/results.md#drivers_bench"),
            std::string::npos)
      << changed.errors;

  // 660 µs is in results.md, but in another section: it does not back this one.
  write("docs/scale.md", scale_page("660 µs"));
  const outcome elsewhere = run();
  EXPECT_EQ(elsewhere.status, 1);
  EXPECT_NE(elsewhere.errors.find("figure 660µs is not in docs/results.md#drivers_bench"),
            std::string::npos)
      << elsewhere.errors;
}

TEST_F(doc_check_tree,
       fails_a_reading_far_from_its_section_and_a_region_naming_no_section) {
  write("docs/results.md", results);
  write(
      "docs/scale.md",
      "# Scale\n\n<!-- figures: docs/results.md#drivers_bench -->\nabout 3 s\n"
      "<!-- /figures -->\n<!-- figures: docs/results.md -->\n1.605 s\n<!-- /figures -->\n"
      "<!-- figures: docs/results.md#no-such-run -->\n<!-- /figures -->\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("docs/scale.md:4: figure 3s is not in"), std::string::npos)
      << o.errors;
  EXPECT_NE(
      o.errors.find("docs/scale.md:6: figures region quotes docs/results.md as a whole"),
      std::string::npos)
      << o.errors;
  EXPECT_NE(o.errors.find("missing file or section: docs/results.md#no-such-run"),
            std::string::npos)
      << o.errors;
}

TEST_F(doc_check_tree, fails_a_figure_outside_any_region_but_a_listed_constant) {
  write("docs/results.md", results);
  const std::string page =
      "# Tour\n\nTen requests of 1 s took 1.012 s. <!-- constants: 1 s -->\n\n"
      "```text\nwall time    1.012 s\n```\n\n<!-- sample: one run, 2026-12-02 -->\n"
      "```text\nwall time    1.012 s\n```\n\nThe default is 10 s. <!-- constants: 2 s "
      "-->\n";
  write("docs/tour.md", page);
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  // The measured figure of the prose and of the unmarked output block fail; the
  // constant and the dated sample pass.
  EXPECT_NE(o.errors.find("docs/tour.md:3: figure 1.012s outside a figures region"),
            std::string::npos)
      << o.errors;
  EXPECT_EQ(o.errors.find("figure 1s "), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("docs/tour.md:6: figure 1.012s outside"), std::string::npos)
      << o.errors;
  EXPECT_EQ(o.errors.find("docs/tour.md:10:"), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("docs/tour.md:14: figure 10s outside"), std::string::npos)
      << o.errors;
  EXPECT_NE(o.errors.find("docs/tour.md:14: constant 2s is not on this line"),
            std::string::npos)
      << o.errors;
}

TEST_F(doc_check_tree, reads_markers_at_the_end_of_a_line_and_samples_of_tables) {
  write("docs/results.md", results);
  const std::string page =
      "# Runs\n\nThe poll driver took 1.605 s <!-- figures: "
      "docs/results.md#drivers_bench -->\n"
      "and 622 µs a request. <!-- /figures -->\nThen 9.99 s.\n\n"
      "<!-- sample: a hand run, 2026-12-07 -->\n| run | wall |\n| --- | ---: |\n"
      "| one | 3.333 s |\n\nAfter the table 3.333 s.\n";
  write("docs/runs.md", page);
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  // Inside the region (its markers end lines 3 and 4) both figures pass; the
  // line after it and the prose after the sample table are outside.
  EXPECT_EQ(o.errors.find("docs/runs.md:3:"), std::string::npos) << o.errors;
  EXPECT_EQ(o.errors.find("docs/runs.md:4:"), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("docs/runs.md:5: figure 9.99s outside"), std::string::npos)
      << o.errors;
  EXPECT_EQ(o.errors.find("docs/runs.md:10:"), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("docs/runs.md:12: figure 3.333s outside"), std::string::npos)
      << o.errors;
}

// A region that quotes its own section: the quote (its marker lines included)
// is not a source, so a figure changed on the closing line fails.
TEST_F(doc_check_tree, fails_a_changed_figure_on_the_line_that_closes_a_region) {
  write("docs/results.md", results);
  const std::string page =
      "# Run\n\n## Run it\n\n<!-- sample: one run, 2026-12-02 -->\n"
      "```text\nwall time    1.012 s\n```\n\n"
      "It took 1.012 s <!-- figures: docs/run.md#run-it -->\n"
      "and then 7.777 s. <!-- /figures -->\n";
  write("docs/run.md", page);
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.errors.find("docs/run.md:10:"), std::string::npos) << o.errors;
  EXPECT_NE(o.errors.find("docs/run.md:11: figure 7.777s is not in docs/run.md#run-it"),
            std::string::npos)
      << o.errors;
}

TEST_F(doc_check_tree, fails_a_documented_field_the_source_does_not_write) {
  write("server/live.cpp", "json{{\"in_flight\", n}, {\"served\", s}};\n");
  write("docs/live.md",
        "# Live\n\n<!-- fields: server/live.cpp -->\n| field | what |\n| --- | --- |\n"
        "| `in_flight`, `served` | counts |\n| `inflight` | a typo |\n");
  const outcome o = run();
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.errors.find("docs/live.md:7: field `inflight` is not in server/live.cpp"),
            std::string::npos)
      << o.errors;
  EXPECT_EQ(o.errors.find("`served`"), std::string::npos) << o.errors;
}

}  // namespace
