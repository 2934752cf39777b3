// posix_spawn with stdout and stderr sent to temporary files: no pipes, so a
// chatty child can never block on a full pipe while we wait for it.
#include "harness/test_support/command.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace inflight::test_support {

harness::temp_file write_temp_file(const std::string& name, const std::string& text) {
  harness::temp_file file{name};
  file.write(text);
  return file;
}

command_result run_command(const std::string& executable,
                           const std::vector<std::string>& args) {
  // The child writes straight into our descriptors (dup2 clears their
  // close-on-exec in the child): no path to reopen, nothing for another
  // user to plant in /tmp first.
  const harness::temp_file out{"stdout"};
  const harness::temp_file err{"stderr"};
  posix_spawn_file_actions_t actions{};
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd(), STDERR_FILENO);
  std::vector<std::string> argv_text{executable};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run " + executable);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);

  command_result result;
  result.exit_status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  result.out = out.read_all();
  result.err = err.read_all();
  return result;
}

}  // namespace inflight::test_support
