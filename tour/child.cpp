#include "tour/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "harness/temp_file.hpp"

namespace inflight::tour {
namespace {

// A child's exit as something to wait on. On Linux a pidfd wakes us the
// moment the child exits; elsewhere (or before Linux 5.3) we look again after
// a short sleep. Either way the next chapter starts within a few
// milliseconds, not a whole progress tick.
class pidfd {
 public:
  explicit pidfd([[maybe_unused]] pid_t pid) {
#ifdef SYS_pidfd_open
    fd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#endif
  }
  ~pidfd() {
    if (fd_ >= 0) close(fd_);
  }
  pidfd(const pidfd&) = delete;
  pidfd& operator=(const pidfd&) = delete;

  // Returns when the child has exited or `timeout` has passed.
  void wait(std::chrono::milliseconds timeout) const {
    if (fd_ >= 0) {
      pollfd exited{fd_, POLLIN, 0};
      poll(&exited, 1, static_cast<int>(timeout.count()));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  int fd_ = -1;
};

}  // namespace

child_result run_child(const std::string& executable,
                       const std::vector<std::string>& args,
                       const std::function<void(double elapsed_s)>& waiting) {
  // The child writes straight into descriptors we made (mkostemp: a name
  // nobody could plant first); dup2 clears their close-on-exec in the child.
  const harness::temp_file out{"tour_out"};
  const harness::temp_file err{"tour_err"};
  posix_spawn_file_actions_t actions{};
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd(), STDERR_FILENO);
  std::vector<std::string> words{executable};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  child_result result;
  pid_t pid = 0;
  const int error =
      posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    result.how_it_ended = "cannot start " + executable + ": " + std::strerror(error);
    return result;
  }

  const auto start = std::chrono::steady_clock::now();
  const auto tick = std::chrono::milliseconds(100);
  const pidfd exited{pid};
  auto next_tick = start + tick;
  int status = 0;
  for (;;) {
    const pid_t ended = waitpid(pid, &status, WNOHANG);
    if (ended == pid) break;
    if (ended < 0 && errno != EINTR) {  // not ours to wait for: say so, not "exit 0"
      result.how_it_ended =
          std::string("cannot wait for ") + executable + ": " + std::strerror(errno);
      return result;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_tick) {
      waiting(std::chrono::duration<double>(now - start).count());
      next_tick = now + tick;
    }
    exited.wait(std::chrono::ceil<std::chrono::milliseconds>(next_tick - now));
  }
  if (WIFEXITED(status)) {
    result.exit_status = WEXITSTATUS(status);
    result.how_it_ended = "exit " + std::to_string(result.exit_status);
  } else if (WIFSIGNALED(status)) {
    result.how_it_ended = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                          strsignal(WTERMSIG(status)) + ")";
  }
  result.out = out.read_all();
  result.err = err.read_all();
  return result;
}

}  // namespace inflight::tour
