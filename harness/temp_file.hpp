// A temporary file nobody else can have made or guessed: for a child's
// output, or a list of URLs a test hands to a chapter.
#pragma once

#include <string>

namespace inflight::harness {

// mkostemp picks a name that did not exist and opens it with O_EXCL, so a
// file or symlink planted in /tmp under a predictable name (ours used to be
// <pid>_stdout) is never opened, and O_CLOEXEC, so no child inherits it
// unasked. Destroying it closes and removes the file.
class temp_file {
 public:
  // In the temporary directory, named inflight_<stem>_XXXXXX. Throws
  // std::system_error when it cannot be made.
  explicit temp_file(const std::string& stem);
  ~temp_file();
  temp_file(temp_file&& other) noexcept;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  temp_file& operator=(temp_file&&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] int fd() const { return fd_; }

  // Appends `text`; throws std::system_error on a failed write.
  void write(const std::string& text) const;
  // Everything in the file, from its first byte (what a child wrote to it).
  [[nodiscard]] std::string read_all() const;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace inflight::harness
