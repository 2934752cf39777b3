// The chapter command line, parsed directly: defaults, both spellings, every
// bad value named, and a chapter's own option table.
#include "harness/options.hpp"

#include <gtest/gtest.h>

#include "harness/test_support/command.hpp"

namespace inflight::harness {
namespace {

struct options_test : ::testing::Test {
  int stack_kb = 0;
  chapter_spec chapter{
      "99_test",
      "a chapter for tests",
      "pool size",
      {{"--stack-kb", "KB", "thread stack size", [this](std::string_view v) {
          stack_kb = static_cast<int>(parse_whole("--stack-kb", v, 16, 1024));
        }}}};

  parse_result parse(std::vector<std::string> args) const {
    return parse_arguments(chapter, args);
  }
};

TEST_F(options_test, defaults_follow_the_contract) {
  const parse_result r = parse({});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.requests, 10U);
  EXPECT_EQ(r.options.delay_s, 1.0);
  EXPECT_TRUE(r.options.url.empty());
  EXPECT_FALSE(r.options.max_in_flight.has_value());
  EXPECT_FALSE(r.options.json);
}

TEST_F(options_test, takes_both_spellings_and_the_chapter_options) {
  const parse_result r =
      parse({"--requests=5", "--delay", "0.25", "--url", "http://127.0.0.1:8080/",
             "--max-in-flight", "3", "--stack-kb", "64", "--json", "--timeline"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.requests, 5U);
  EXPECT_EQ(r.options.delay_s, 0.25);
  EXPECT_EQ(r.options.url, "http://127.0.0.1:8080") << "trailing slash dropped";
  EXPECT_EQ(r.options.max_in_flight, 3U);
  EXPECT_EQ(stack_kb, 64);
  EXPECT_TRUE(r.options.json && r.options.timeline);
}

TEST_F(options_test, every_bad_value_names_its_option_and_the_range) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--requests", "0"}, "--requests: expected a whole number from 1 to 100000"},
      {{"--requests", "-3"}, "--requests:"},
      {{"--requests", "ten"}, "--requests:"},
      {{"--requests", "5x"}, "--requests:"},
      {{"--requests", "100001"}, "--requests:"},
      {{"--delay", "-0.5"}, "--delay: expected seconds from 0 to 10"},
      {{"--delay", "10.5"}, "--delay:"},
      {{"--delay", "inf"}, "--delay:"},
      {{"--delay", ""}, "--delay:"},
      {{"--timeout", "0"}, "--timeout:"},
      {{"--url", "example.com"}, "--url: expected an http:// or https:// URL"},
      {{"--url", "http://"}, "--url:"},
      {{"--max-in-flight", "0"}, "--max-in-flight:"},
      {{"--stack-kb", "8"}, "--stack-kb: expected a whole number from 16 to 1024"},
      {{"--delay"}, "--delay: needs a value"},
      {{"--json=1"}, "--json: takes no value"},
      {{"--trace", ""}, "--trace:"},
      {{"--bogus"}, "unknown argument '--bogus'"},
      {{"stray"}, "unknown argument 'stray'"},
  };
  for (const auto& [args, message] : cases) {
    const parse_result r = parse(args);
    EXPECT_EQ(r.error.rfind(message, 0), 0U) << "for " << args[0] << ": " << r.error;
  }
}

TEST_F(options_test, a_chapter_without_a_bound_refuses_max_in_flight) {
  chapter.max_in_flight_help.clear();
  EXPECT_EQ(parse({"--max-in-flight", "4"}).error.rfind("--max-in-flight: 99_test", 0),
            0U);
}

TEST_F(options_test, urls_come_from_a_file_skipping_blanks_and_comments) {
  const auto list = test_support::write_temp_file(
      "urls_ok", "# list\n\nhttp://127.0.0.1:1/a\n  https://example.com/b  \n");
  const parse_result r = parse({"--urls", list.path()});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.urls,
            (std::vector<std::string>{"http://127.0.0.1:1/a", "https://example.com/b"}));
}

TEST_F(options_test, a_bad_url_list_names_the_line) {
  const auto list =
      test_support::write_temp_file("urls_bad", "http://127.0.0.1:1/a\nnot a url\n");
  EXPECT_EQ(parse({"--urls", list.path()}).error.rfind("--urls: line 2 of", 0), 0U);
  const auto empty = test_support::write_temp_file("urls_empty", "# nothing\n");
  EXPECT_EQ(parse({"--urls", empty.path()}).error.rfind("--urls: no URLs", 0), 0U);
  EXPECT_EQ(
      parse({"--urls", list.path() + ".missing"}).error.rfind("--urls: cannot open", 0),
      0U);
}

TEST_F(options_test, urls_cannot_be_mixed_with_a_delay_workload) {
  const auto list = test_support::write_temp_file("urls_mix", "http://127.0.0.1:1/\n");
  EXPECT_EQ(parse({"--urls", list.path(), "--requests", "3"}).error.rfind("--urls:", 0),
            0U);
}

TEST_F(options_test, help_is_recognised_and_usage_lists_every_option) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  const std::string text = usage(chapter);
  for (const char* name :
       {"--requests", "--delay", "--url", "--urls", "--timeout", "--max-in-flight",
        "--timeline", "--trace", "--json", "--help", "--stack-kb"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

TEST_F(options_test, usage_keeps_a_long_option_apart_from_its_help) {
  // 19 characters: once ran into its help as "--driver poll|sockethow to wait".
  chapter.options.push_back({"--driver", "poll|socket", "how to wait", nullptr});
  EXPECT_NE(usage(chapter).find("  --driver poll|socket  how to wait\n"),
            std::string::npos)
      << usage(chapter);
}

TEST_F(options_test, a_chapter_without_traces_refuses_trace_and_says_so) {
  chapter.traces = false;
  EXPECT_EQ(parse({"--trace", "t.json"}).error.rfind("--trace: ", 0), 0U);
  EXPECT_NE(usage(chapter).find("(no trace in this chapter)"), std::string::npos);
}

}  // namespace
}  // namespace inflight::harness
