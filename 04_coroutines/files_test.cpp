// Files beside the requests: epoll refuses a regular file; read on the loop
// thread, they hold every timer until they are done; through to_thread, they
// run on other threads while every request still succeeds.
#include "04_coroutines/files.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "harness/process_stats.hpp"
#include "harness/test_support/server_fixture.hpp"

namespace inflight::ch04 {
namespace {

constexpr std::size_t file_count = 3;
constexpr std::size_t file_bytes = 2 << 20;  // small: the test is about who reads

class files_test : public test_support::with_server {
 protected:
  harness::run_clock clock;
  event_loop loop{clock};
  scratch_files files{file_count, file_bytes};
};

TEST_F(files_test, epoll_refuses_a_regular_file) {
  EXPECT_NE(epoll_on_a_file(files.paths().front()).find("EPERM"), std::string::npos);
}

TEST_F(files_test, read_on_the_loop_thread_they_hold_the_timer_until_they_end) {
  const auto result =
      loop.run(files_demo(loop, delay_urls(3, 0.1), files.paths(), false, settings{}));
  EXPECT_EQ(result.bytes_read, file_count * file_bytes);
  for (const long thread : result.reader_threads)
    EXPECT_EQ(thread, harness::current_thread_id()) << "read on the loop thread";
  // The timer was due before the reads ended; the loop could not fire it
  // while it was reading.
  EXPECT_GE(result.timer_fired_s, result.reads_end_s);
  for (const auto& r : result.records) EXPECT_TRUE(r.ok()) << r.error;
}

TEST_F(files_test, through_to_thread_they_are_read_elsewhere_and_every_request_ends) {
  const auto result =
      loop.run(files_demo(loop, delay_urls(3, 0.1), files.paths(), true, settings{}));
  EXPECT_EQ(result.bytes_read, file_count * file_bytes);
  for (const long thread : result.reader_threads)
    EXPECT_NE(thread, harness::current_thread_id()) << "read on a worker thread";
  ASSERT_EQ(result.records.size(), 3U);
  for (const auto& r : result.records) EXPECT_TRUE(r.ok()) << r.error;
}

TEST(scratch_files, are_made_and_removed) {
  std::string directory;
  {
    const scratch_files files{2, 4096};
    ASSERT_EQ(files.paths().size(), 2U);
    for (const auto& path : files.paths())
      EXPECT_EQ(std::filesystem::file_size(path), 4096U);
    directory = std::filesystem::path(files.paths().front()).parent_path();
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
}

}  // namespace
}  // namespace inflight::ch04
