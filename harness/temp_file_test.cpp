// Temporary files nobody can plant first: a symlink left in /tmp under the
// name we used to use (<pid>_stdout) must not redirect a child's output.
#include "harness/temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/test_support/command.hpp"

namespace inflight::harness {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file another user could have made, and symlinks to it planted under the
// names a predictable scheme would open; removed again at the end.
class planted : public ::testing::Test {
 protected:
  const fs::path tmp = fs::temp_directory_path();
  const fs::path victim = tmp / ("inflight_victim_" + std::to_string(getpid()));
  std::vector<fs::path> links;

  void SetUp() override { std::ofstream{victim} << "precious\n"; }
  void TearDown() override {
    for (const auto& link : links) fs::remove(link);
    fs::remove(victim);
  }
  void plant(const std::string& name) {
    links.push_back(tmp / name);
    fs::remove(links.back());
    fs::create_symlink(victim, links.back());
  }
};

TEST_F(planted, run_command_never_opens_a_predictable_name) {
  plant(std::to_string(getpid()) + "_stdout");
  plant(std::to_string(getpid()) + "_stderr");
  const auto run = test_support::run_command("/bin/sh", {"-c", "echo out; echo err >&2"});
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_EQ(run.out, "out\n");
  EXPECT_EQ(run.err, "err\n");
  EXPECT_EQ(contents(victim), "precious\n") << "the child wrote through a planted link";
}

TEST(temp_file, is_new_private_not_inherited_and_removed_after) {
  std::string path;
  {
    const temp_file a{"test"};
    const temp_file b{"test"};
    path = a.path();
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(fs::status(a.path()).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_NE(fcntl(a.fd(), F_GETFD) & FD_CLOEXEC, 0)
        << "a child inherits it only by dup2";
    a.write("one ");
    a.write("two");
    EXPECT_EQ(a.read_all(), "one two");
    const auto list = test_support::write_temp_file("list", "a\nb\n");
    EXPECT_EQ(contents(list.path()), "a\nb\n");
  }
  EXPECT_FALSE(fs::exists(path)) << "removed with the object";
}

}  // namespace
}  // namespace inflight::harness
