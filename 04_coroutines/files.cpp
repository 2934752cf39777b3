// Reading files beside the requests: straight from a coroutine (the loop
// waits for the disk) or through to_thread (it does not). See files.hpp.
#include "04_coroutines/files.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "04_coroutines/offload.hpp"
#include "04_coroutines/when_all.hpp"
#include "harness/process_stats.hpp"

namespace inflight::ch04 {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Closes a descriptor on every path out.
struct descriptor {
  int fd;
  explicit descriptor(int value) : fd{value} {}
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// The blocking read: every byte of the file, 1 MiB at a time, on the calling
// thread. Returns what a request would: its size, its thread, when it ran.
harness::request_record read_file(std::string path, const harness::run_clock& clock) {
  harness::request_record r;
  r.url = "file://" + path;
  r.start_s = clock.now_s();
  r.thread = harness::current_thread_id();
  const descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail("open " + path);
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t got = ::read(file.fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("read " + path);
    if (got == 0) break;
    r.bytes += static_cast<std::uint64_t>(got);
  }
  r.end_s = clock.now_s();
  return r;
}

// [snippet:read_files]
// The mistake: the loop thread reads the whole file; nothing else runs.
task<harness::request_record> read_on_loop(event_loop& loop, std::string path) {
  co_return read_file(std::move(path), loop.clock());
}

// The fix: the same read on a worker thread, awaited like a transfer.
task<harness::request_record> read_offloaded(event_loop& loop, std::string path) {
  co_return co_await to_thread(loop, read_file, std::move(path), std::cref(loop.clock()));
}
// [/snippet]

}  // namespace

std::string epoll_on_a_file(const std::string& path) {
  const descriptor epoll{::epoll_create1(EPOLL_CLOEXEC)};
  if (epoll.fd < 0) fail("epoll_create1");
  const descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail("open " + path);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = file.fd;
  if (::epoll_ctl(epoll.fd, EPOLL_CTL_ADD, file.fd, &event) == 0) return "accepted";
  const int error = errno;
  return std::string(error == EPERM ? "EPERM: " : "") + std::strerror(error);
}

scratch_files::scratch_files(std::size_t count, std::size_t bytes) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "inflight-files.XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp " + pattern);
  directory_ = pattern;  // ours alone (mode 0700): the names inside are safe
  try {
    const std::vector<char> block(1 << 20, 'x');
    for (std::size_t i = 0; i < count; ++i) {
      const std::string path = directory_ + "/" + std::to_string(i) + ".bin";
      const descriptor file{
          ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
      if (file.fd < 0) fail("create " + path);
      paths_.push_back(path);
      for (std::size_t written = 0; written < bytes;) {
        const std::size_t n = std::min(block.size(), bytes - written);
        const ssize_t put = ::write(file.fd, block.data(), n);
        if (put < 0 && errno == EINTR) continue;
        if (put < 0) fail("write " + path);
        written += static_cast<std::size_t>(put);
      }
      // On the disk, then out of the page cache: only clean pages can be
      // dropped, and a later read must wait for the disk.
      if (::fsync(file.fd) != 0) fail("fsync " + path);
      ::posix_fadvise(file.fd, 0, 0, POSIX_FADV_DONTNEED);
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    throw;
  }
}

scratch_files::~scratch_files() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

task<files_result> files_demo(event_loop& loop, std::vector<std::string> urls,
                              std::vector<std::string> paths, bool offload,
                              settings how) {
  const harness::run_clock& clock = loop.clock();
  // The probe: a timer due in 5 ms, noting when the loop got round to it.
  const steady::time_point due = steady::now() + std::chrono::milliseconds(5);
  std::optional<steady::time_point> fired;
  std::optional<double> fired_s;
  [[maybe_unused]] const auto probe = loop.call_at(due, [&fired, &fired_s, &clock] {
    fired = steady::now();
    fired_s = clock.now_s();
  });

  // The requests first: each is handed to curl before the reads begin, and
  // curl sends it on the loop's next turn (with the reads on the loop thread,
  // that turn waits for the disk).
  const std::size_t n = urls.size();
  semaphore limit{loop, how.max_in_flight.value_or(n)};
  std::vector<task<harness::request_record>> tasks;
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(fetch_one(loop, limit, i, urls[i], how.timeout_s, http_options{}));
  }
  for (const std::string& path : paths) {
    tasks.push_back(offload ? read_offloaded(loop, path) : read_on_loop(loop, path));
  }
  std::vector<harness::request_record> all = co_await when_all(std::move(tasks));
  co_await loop.sleep_until(due);  // all ended within 5 ms? Then let the probe fire

  files_result result;
  for (std::size_t i = n; i < all.size(); ++i) {
    result.bytes_read += all[i].bytes;
    result.reads_end_s = std::max(result.reads_end_s, all[i].end_s);
    result.reader_threads.push_back(all[i].thread);
  }
  all.resize(n);
  result.records = std::move(all);
  result.timer_fired_s = *fired_s;
  result.timer_late_s = std::chrono::duration<double>(*fired - due).count();
  co_return result;
}

}  // namespace inflight::ch04
