#include "mock_server/testing/child_server.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace inflight::mock::test {
namespace {

// Set by CMake; INFLIGHT_MOCK_SERVER overrides it (to try another build).
const char* program() {
  const char* chosen = std::getenv("INFLIGHT_MOCK_SERVER");
  return chosen != nullptr ? chosen : MOCK_SERVER_EXE;
}

// Threads that processes of `uid` run now: RLIMIT_NPROC counts them all, so
// a limit meant for the child alone must sit on top of them (other programs
// of the same user, another test's server, would otherwise eat it).
long threads_of_user(uid_t uid) {
  long total = 0;
  std::error_code error;  // processes come and go while we look: no throwing
  for (std::filesystem::directory_iterator it{"/proc", error}, end; !error && it != end;
       it.increment(error)) {
    std::ifstream status{it->path() / "status"};
    long threads = 0;
    bool ours = false;
    for (std::string line; std::getline(status, line);) {
      std::istringstream fields{line};
      std::string key;
      fields >> key;
      if (key == "Uid:") {
        long real = -1;
        fields >> real;
        ours = real == static_cast<long>(uid);
      } else if (key == "Threads:") {
        fields >> threads;
      }
    }
    if (ours) total += threads;
  }
  return total;
}

}  // namespace

child_server::child_server(engine_kind engine, std::optional<long> descriptor_limit,
                           bool quiet, std::optional<long> thread_limit, int threads) {
  char path[] = "/tmp/inflight-child-stderr-XXXXXX";
  const int err = ::mkstemp(path);
  int out[2];
  if (err < 0 || ::pipe(out) != 0) throw std::runtime_error("child_server: no pipe");
  stderr_path_ = path;
  const auto engine_name = to_string(engine);
  const auto threads_text = std::to_string(threads);
  const uid_t child_uid =
      ::geteuid() == 0 ? 65534 : ::geteuid();  // root runs it as nobody
  if (thread_limit) *thread_limit += threads_of_user(child_uid);
  pid_ = ::fork();
  if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    if (descriptor_limit) {
      const rlimit limit{static_cast<rlim_t>(*descriptor_limit),
                         static_cast<rlim_t>(*descriptor_limit)};
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (thread_limit) {
      const rlimit limit{static_cast<rlim_t>(*thread_limit),
                         static_cast<rlim_t>(*thread_limit)};
      ::setrlimit(RLIMIT_NPROC, &limit);
      if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
        ::_exit(126);
    }
    const char* quiet_arg = quiet ? "--quiet" : nullptr;
    if (threads > 0)
      ::execl(program(), "mock_server", "--engine", engine_name.c_str(), "--port", "0",
              "--threads", threads_text.c_str(), quiet_arg, nullptr);
    else
      ::execl(program(), "mock_server", "--engine", engine_name.c_str(), "--port", "0",
              quiet_arg, nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err);
  // The first line is "listening on http://127.0.0.1:PORT".
  std::string line;
  char c = 0;
  pollfd p{out[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos && ::poll(&p, 1, 10'000) > 0 &&
         ::read(out[0], &c, 1) == 1)
    line += c;
  ::close(out[0]);
  const auto colon = line.rfind(':');
  if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw std::runtime_error("child_server: no 'listening on' line: " + line +
                             error_output());
  }
  port_ = std::atoi(line.c_str() + colon + 1);
}

child_server::~child_server() {
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  ::unlink(stderr_path_.c_str());
}

std::string child_server::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string child_server::error_output() const {
  std::ifstream in(stderr_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double child_server::cpu_seconds() const {
  // /proc/PID/stat: fields 14 and 15 are utime and stime, in clock ticks;
  // field 2, the name, is in parentheses and may hold spaces.
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double child_server::resident_mib() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;  // kB
  return 0;
}

}  // namespace inflight::mock::test
