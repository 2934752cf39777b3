// Files are I/O too, but the loop cannot wait for them. epoll watches sockets
// and pipes; it refuses a regular file (EPERM), because a read from a file
// never "would block": it simply takes as long as the disk does, on the
// thread that calls it. So a coroutine that reads a file holds the loop like
// any blocking call, and the cure is the same: to_thread. Leaves out io_uring,
// which can wait for file reads and wake the loop through a descriptor that
// epoll watches (docs/other-io.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "04_coroutines/coroutines.hpp"
#include "04_coroutines/task.hpp"

namespace inflight::ch04 {

// What epoll says when asked to watch a regular file: the error, as text.
std::string epoll_on_a_file(const std::string& path);

// `count` files of `bytes` each, in a new directory of their own, written to
// the disk and dropped from the page cache, so that reading them waits for the
// disk rather than copying memory. Removed with the object.
class scratch_files {
 public:
  scratch_files(std::size_t count, std::size_t bytes);
  ~scratch_files();
  scratch_files(const scratch_files&) = delete;
  scratch_files& operator=(const scratch_files&) = delete;
  [[nodiscard]] const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::string directory_;
  std::vector<std::string> paths_;
};

// The demonstration: the requests of `urls` in flight, and the files of
// `paths` read meanwhile, straight from their coroutines (offload = false)
// or through to_thread (true). A timer due 5 ms after the start measures how
// late the loop got to it.
struct files_result {
  std::vector<harness::request_record> records;  // the requests'
  std::size_t bytes_read = 0;
  double reads_end_s = 0;            // when the last read ended, on the run clock
  double timer_fired_s = 0;          // when the probe's callback ran
  double timer_late_s = 0;           // how late that was
  std::vector<long> reader_threads;  // the thread that read each file
};
task<files_result> files_demo(event_loop& loop, std::vector<std::string> urls,
                              std::vector<std::string> paths, bool offload, settings how);

}  // namespace inflight::ch04
