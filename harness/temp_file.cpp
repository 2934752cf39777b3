#include "harness/temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace inflight::harness {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

temp_file::temp_file(const std::string& stem) {
  const auto pattern =
      std::filesystem::temp_directory_path() / ("inflight_" + stem + "_XXXXXX");
  std::string name = pattern.string();
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);  // O_CREAT | O_EXCL, mode 0600
  if (fd_ < 0) throw_errno("mkostemp " + name);
  path_ = std::move(name);
}

temp_file::temp_file(temp_file&& other) noexcept
    : path_{std::move(other.path_)}, fd_{std::exchange(other.fd_, -1)} {}

temp_file::~temp_file() {
  if (fd_ < 0) return;  // moved from
  ::close(fd_);
  ::unlink(path_.c_str());
}

void temp_file::write(const std::string& text) const {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("write " + path_);
    done += static_cast<std::size_t>(n);
  }
}

std::string temp_file::read_all() const {
  std::string text;
  std::vector<char> buffer(64 * 1024);
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("read " + path_);
    if (n == 0) return text;
    text.append(buffer.data(), static_cast<std::size_t>(n));
    at += n;
  }
}

}  // namespace inflight::harness
