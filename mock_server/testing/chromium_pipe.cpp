// posix_spawn with two pipes as the child's descriptors 3 and 4, reads and
// writes that poll() against a deadline, and a child that is always reaped.
// Left out: CBOR (--remote-debugging-pipe=cbor), a reader thread.
#include "mock_server/testing/chromium_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "mock_server/testing/sigpipe_blocked.hpp"

namespace inflight::mock::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr auto close_grace = 5s;               // for it to quit on its own before SIGKILL
const char* const log_name = "/chromium.log";  // in our temporary directory

// --no-sandbox: as root (CI, containers) Chromium refuses to start with its
// sandbox, which needs an unprivileged user; we only open pages we serve.
// The --disable-* flags: without them it spends its first seconds calling
// Google (updates, sync, field trials), which here has no network, and logs it.
const char* const launch_flags[] = {"--headless",
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--disable-quic",
                                    "--no-first-run",
                                    "--disable-background-networking",
                                    "--disable-component-update",
                                    "--disable-sync",
                                    "--disable-default-apps",
                                    "--mute-audio",
                                    "--remote-debugging-pipe"};

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(),
                          std::string("chromium_pipe: ") + what);
}

// Waits until `fd` is ready for `events`; false at the deadline. A closed
// other end counts as ready: the read or write that follows reports it.
bool wait_for(int fd, short events, steady::time_point until) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - steady::now());
    if (left.count() <= 0) return false;
    pollfd ready{fd, events, 0};
    const int count =
        ::poll(&ready, 1, static_cast<int>(std::min<long>(left.count(), 60'000)));
    if (count > 0) return true;
    if (count < 0 && errno != EINTR) throw_errno("poll");
  }
}

// Its environment: ours, with HOME moved into our directory. Debian's build
// keeps crash reports in ~/.config/chromium and GLib a dconf cache in ~/.cache,
// whatever --user-data-dir says; so a run leaves nothing in the real home.
std::vector<std::string> child_environment(const std::string& home) {
  std::vector<std::string> variables{"HOME=" + home};
  for (char** variable = environ; *variable != nullptr; ++variable) {
    const std::string_view text{*variable};
    const auto name = text.substr(0, text.find('='));
    if (name != "HOME" && name != "XDG_CONFIG_HOME" && name != "XDG_CACHE_HOME")
      variables.emplace_back(text);
  }
  return variables;
}

// The form execve takes a list of strings in: pointers to each, then null.
std::vector<char*> pointers_to(std::vector<std::string>& texts) {
  std::vector<char*> pointers;
  for (std::string& text : texts) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Runs `executable` with `its_ends` as its descriptors 3 and 4, its output to
// a log in `dir`; returns its pid.
pid_t spawn(const std::string& executable, const int (&its_ends)[2],
            const std::string& dir) {
  std::vector<std::string> args{executable};
  args.insert(args.end(), std::begin(launch_flags), std::end(launch_flags));
  args.push_back("--user-data-dir=" + dir + "/profile");  // none shared
  args.push_back("about:blank");
  std::vector<std::string> variables = child_environment(dir);
  const auto argv = pointers_to(args);
  const auto envp = pointers_to(variables);
  // Its stdout and stderr, much noise and the odd clue, go to the log, whose
  // end an error message quotes.
  const std::string log = dir + log_name;
  posix_spawn_file_actions_t actions{};
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, its_ends[0], 3);
  posix_spawn_file_actions_adddup2(&actions, its_ends[1], 4);
  // And whatever the test holds without O_CLOEXEC (a server's socket) stays here.
  posix_spawn_file_actions_addclosefrom_np(&actions, 5);
  pid_t pid = -1;
  const int failed =
      posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0)
    throw std::runtime_error("chromium_pipe: cannot run " + executable + ": " +
                             std::strerror(failed));
  return pid;
}

std::string describe(int wait_status) {
  if (WIFEXITED(wait_status))
    return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  const int signal = WTERMSIG(wait_status);
  return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

}  // namespace

chromium_pipe::chromium_pipe(const std::string& executable) {
  std::string dir = std::filesystem::temp_directory_path() / "inflight-chromium-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) throw_errno("mkdtemp");
  temp_dir_ = dir;
  int its_ends[2] = {-1, -1};  // its descriptors 3 and 4, until it has them
  try {
    // O_CLOEXEC on all four ends: only what dup2 places at 3 and 4 reaches
    // the child. Its ends are moved above 4, so no dup2 overwrites the other's.
    int commands[2];  // we write [1]; it reads [0]
    int replies[2];   // it writes [1]; we read [0]
    if (::pipe2(commands, O_CLOEXEC) != 0) throw_errno("pipe2");
    to_browser_ = commands[1];
    its_ends[0] = ::fcntl(commands[0], F_DUPFD_CLOEXEC, 5);
    ::close(commands[0]);
    if (::pipe2(replies, O_CLOEXEC) != 0) throw_errno("pipe2");
    from_browser_ = replies[0];
    its_ends[1] = ::fcntl(replies[1], F_DUPFD_CLOEXEC, 5);
    ::close(replies[1]);
    if (its_ends[0] < 0 || its_ends[1] < 0) throw_errno("fcntl");
    // Ours only: each end of a pipe has its own flags, and Chromium's stay blocking.
    ::fcntl(to_browser_, F_SETFL, O_NONBLOCK);
    ::fcntl(from_browser_, F_SETFL, O_NONBLOCK);
    pid_ = spawn(executable, its_ends, temp_dir_);
  } catch (...) {
    for (const int fd : its_ends)
      if (fd >= 0) ::close(fd);
    stop();  // a constructor that throws gets no destructor
    throw;
  }
  for (const int fd : its_ends) ::close(fd);  // the child has its copies
}

chromium_pipe::~chromium_pipe() {
  stop();
}

void chromium_pipe::send(const nlohmann::json& message, deadline until) {
  const std::string bytes = message.dump() + '\0';
  const sigpipe_blocked quiet;  // a dead browser: EPIPE, not the end of the test
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t written =
        ::write(to_browser_, bytes.data() + done, bytes.size() - done);
    if (written >= 0)
      done += static_cast<std::size_t>(written);
    else if (errno == EPIPE)
      throw gone("it stopped reading");
    else if (errno == EAGAIN && !wait_for(to_browser_, POLLOUT, until))
      throw std::runtime_error("chromium_pipe: it took no commands in time");
    else if (errno != EAGAIN && errno != EINTR)
      throw_errno("write");
  }
}

std::optional<nlohmann::json> chromium_pipe::receive(deadline until) {
  for (;;) {
    if (const auto end = unread_.find('\0'); end != std::string::npos) {
      auto message = nlohmann::json::parse(unread_.data(), unread_.data() + end);
      unread_.erase(0, end + 1);
      return message;
    }
    if (!wait_for(from_browser_, POLLIN, until)) return std::nullopt;
    char chunk[64 * 1024];
    const ssize_t count = ::read(from_browser_, chunk, sizeof chunk);
    if (count > 0)
      unread_.append(chunk, static_cast<std::size_t>(count));
    else if (count == 0)
      throw gone("its pipe closed");
    else if (errno != EAGAIN && errno != EINTR)
      throw_errno("read");
  }
}

std::runtime_error chromium_pipe::gone(const std::string& how) {
  // It may close its pipes a moment before it exits: give it that moment.
  const std::string status = reap(steady::now() + 1s) ? *exited_ : "still running";
  return std::runtime_error("chromium_pipe: chromium exited (" + how + ", " + status +
                            "); the end of its log:\n" + log_tail());
}

bool chromium_pipe::reap(deadline until) {
  while (pid_ > 0 && !exited_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_)
      exited_ = describe(status);
    else if (done < 0 && errno != EINTR)  // ECHILD: SIGCHLD ignored, or reaped by another
      exited_ = "exit status unknown";
    else if (steady::now() >= until)
      return false;
    else if (done == 0)
      std::this_thread::sleep_for(10ms);
  }
  return exited_.has_value();
}

std::string chromium_pipe::log_tail() const {
  // Its last lines, less D-Bus's: without a system bus (a container, CI) it
  // logs a dozen failures to reach one, which would crowd out the clue.
  constexpr std::size_t keep = 12;
  std::ifstream in(temp_dir_ + log_name);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.find("dbus") != std::string::npos) continue;
    lines.push_back(line);
    if (lines.size() > keep) lines.pop_front();
  }
  std::string text;
  for (const std::string& line : lines) text += "  " + line + "\n";
  return text.empty() ? "  (empty)\n" : text;
}

void chromium_pipe::stop() noexcept {
  // End of file on its descriptor 3 tells it to quit; and with our ends closed
  // it can never block writing to us while we wait for it.
  for (int* fd : {&to_browser_, &from_browser_})
    if (*fd >= 0) ::close(std::exchange(*fd, -1));
  if (pid_ > 0 && !reap(steady::now() + close_grace)) {
    ::kill(pid_, SIGKILL);
    reap(deadline::max());
  }
  std::error_code ignored;  // a helper process may still be writing there
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ignored);
}

}  // namespace inflight::mock::test
