// The mock_server executable as a reader runs it: its first line names the URL,
// --help and bad arguments behave as the command-line contract says, a port in
// use is reported as such, and SIGTERM or SIGINT stop it cleanly (exit 0).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "mock_server/cli.hpp"
#include "mock_server/testing/test_client.hpp"

extern char** environ;

namespace {

namespace client = inflight::mock::test;
using json = nlohmann::json;

// mock_server running as a child process, its stdout and stderr on pipes.
class process {
 public:
  explicit process(std::vector<std::string> args) {
    args.insert(args.begin(), MOCK_SERVER_EXE);
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe2 failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int failed =
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (failed != 0) throw std::runtime_error(std::string("cannot run ") + argv[0]);
  }
  ~process() {
    if (!exit_code_) ::kill(pid_, SIGKILL);  // a test failed before it ended
    if (!exit_code_) ::waitpid(pid_, nullptr, 0);
    ::close(out_);
    ::close(err_);
  }
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  // The next line of stdout, without its newline; nullopt on timeout or EOF.
  std::optional<std::string> read_line(double timeout_s) {
    client::wait_until(
        [&] {
          return out_text_.find('\n') != std::string::npos ||
                 read_some(out_, out_text_) < 0;
        },
        timeout_s);
    const auto end = out_text_.find('\n');
    if (end == std::string::npos) return std::nullopt;
    auto line = out_text_.substr(0, end);
    out_text_.erase(0, end + 1);
    return line;
  }
  // Everything on stdout or stderr so far (all of it, once the process ended).
  std::string all_stdout() {
    while (read_some(out_, out_text_) > 0) {
    }
    return out_text_;
  }
  std::string all_stderr() {
    while (read_some(err_, err_text_) > 0) {
    }
    return err_text_;
  }
  void signal(int number) { ::kill(pid_, number); }
  // The exit status; -N when killed by signal N; nullopt when still running.
  std::optional<int> wait_exit(double timeout_s) {
    client::wait_until([&] { return reap(); }, timeout_s);
    return exit_code_;
  }

 private:
  // Appends what `fd` has now: bytes read, 0 when none came within 10 ms, -1 at EOF.
  static int read_some(int fd, std::string& text) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) return 0;
    char buffer[4096];
    const auto got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) return -1;
    text.append(buffer, static_cast<std::size_t>(got));
    return static_cast<int>(got);
  }
  bool reap() {
    int status = 0;
    if (exit_code_ || ::waitpid(pid_, &status, WNOHANG) != pid_)
      return exit_code_.has_value();
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return true;
  }
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string out_text_;
  std::string err_text_;
  std::optional<int> exit_code_;
};

// Generous: the sanitizer builds start slowly.
constexpr double start_timeout_s = 10;

// Reads the first line, checks it, and returns the URL it names ("" if none).
std::string listening_url(process& server) {
  const auto line = server.read_line(start_timeout_s);
  if (!line) {
    ADD_FAILURE() << "no first line; stderr: " << server.all_stderr();
    return "";
  }
  std::smatch match;
  const std::regex expected(R"(listening on (http://127\.0\.0\.1:[1-9][0-9]*))");
  if (!std::regex_match(*line, match, expected)) {
    ADD_FAILURE() << "first line: " << *line;
    return "";
  }
  return match[1];
}

// The room's limits as the command line sets them; parsed only: tests stay
// on loopback, and binding 0.0.0.0 here would serve the machine's network.
inflight::mock::server_limits limits_of(std::vector<std::string> args) {
  args.insert(args.begin(), "mock_server");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  const auto parsed =
      inflight::mock::parse_command_line(static_cast<int>(argv.size()), argv.data());
  const auto* options = std::get_if<inflight::mock::server_options>(&parsed);
  if (options == nullptr) throw std::runtime_error("did not parse");
  return options->limits;
}

TEST(cli, a_network_host_turns_the_room_limits_on_loopback_does_not) {
  for (const auto* host : {"0.0.0.0", "::", "192.168.1.20"}) {
    const auto l = limits_of({"--host", host});
    EXPECT_EQ(l.max_connections_per_client, 1'024) << host;
    EXPECT_EQ(l.max_in_flight_per_client, 1'024) << host;
    EXPECT_EQ(l.max_bytes_per_client, 8U * 1024 * 1024) << host;
    EXPECT_EQ(l.max_requests_per_second_per_client, 2'000) << host;
  }
  for (const auto* host : {"127.0.0.1", "127.0.1.1", "::1", "localhost"}) {
    const auto l = limits_of({"--host", host});
    EXPECT_EQ(l.max_connections_per_client, 0) << host;
    EXPECT_EQ(l.max_in_flight_per_client, 0) << host;
    EXPECT_EQ(l.max_bytes_per_client, 0U) << host;
    EXPECT_EQ(l.max_requests_per_second_per_client, 0) << host;
  }
  const auto lifted = limits_of({"--host", "0.0.0.0", "--no-room-limits"});
  EXPECT_EQ(lifted.max_connections_per_client, 0);
  EXPECT_EQ(lifted.max_requests_per_second_per_client, 0);
  const auto one = limits_of({"--host", "0.0.0.0", "--client-rate", "0"});
  EXPECT_EQ(one.max_requests_per_second_per_client, 0);
  EXPECT_EQ(one.max_connections_per_client, 1'024);
  EXPECT_EQ(limits_of({"--client-connections", "8"}).max_connections_per_client, 8);
  EXPECT_EQ(limits_of({"--client-in-flight", "9"}).max_in_flight_per_client, 9);
  EXPECT_EQ(limits_of({"--client-bytes", "1000"}).max_bytes_per_client, 1'000U);
}

class cli_engine_test : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(engines, cli_engine_test, ::testing::Values("threads", "events"),
                         [](const auto& info) { return info.param; });

TEST_P(cli_engine_test, prints_its_url_first_and_stops_on_sigterm) {
  process server({"--port", "0", "--engine", GetParam(), "--quiet"});
  const auto url = listening_url(server);
  ASSERT_NE(url, "");
  const auto stats = client::get(url + "/stats");
  ASSERT_EQ(stats.status, 200) << stats.error;
  EXPECT_EQ(json::parse(stats.body)["engine"], GetParam());
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(5), 0) << server.all_stderr();
}

TEST_P(cli_engine_test, stops_on_sigint_with_requests_in_flight) {
  process server({"--port", "0", "--engine", GetParam(), "--quiet"});
  const auto url = listening_url(server);
  ASSERT_NE(url, "");
  client::http_response hung;
  std::thread waiting([&] { hung = client::get(url + "/hang", /*timeout_s=*/8); });
  const bool in_flight = client::wait_until(
      [&] {
        const auto body = json::parse(client::get(url + "/stats").body, nullptr, false);
        return body.is_object() && body["in_flight"] == 1;
      },
      5);
  server.signal(SIGINT);
  const auto code = server.wait_exit(3);
  waiting.join();
  EXPECT_TRUE(in_flight);
  EXPECT_EQ(code, 0) << server.all_stderr();
  EXPECT_FALSE(hung.timed_out) << "the /hang client was left hanging";
}

TEST_P(cli_engine_test, uses_max_delay) {
  process server(
      {"--engine", GetParam(), "--port", "0", "--max-delay", "0.5", "--quiet"});
  const auto url = listening_url(server);
  ASSERT_NE(url, "");
  const auto r = client::get(url + "/delay/1");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("0.5"), std::string::npos) << r.body;
  EXPECT_EQ(client::get(url + "/delay/0.1").status, 200);
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(5), 0);
}

TEST_P(cli_engine_test, a_port_in_use_is_reported_as_such) {
  // Hold a listening socket on a free port, then ask mock_server for that port.
  const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  ::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &size);
  const auto port = std::to_string(ntohs(address.sin_port));

  process server({"--port", port, "--engine", GetParam(), "--quiet"});
  const auto code = server.wait_exit(start_timeout_s);
  ::close(holder);
  ASSERT_TRUE(code.has_value()) << "still running on a port in use";
  EXPECT_NE(*code, 0);
  const auto err = server.all_stderr();
  EXPECT_NE(err.find("in use"), std::string::npos) << err;
  EXPECT_NE(err.find(port), std::string::npos) << err;
  EXPECT_EQ(server.all_stdout().find("listening"), std::string::npos);
}

// Past its --threads the threads engine queues connections, and says so on
// stderr unless --quiet.
TEST(cli, threads_engine_past_capacity_says_so_unless_quiet) {
  for (const bool quiet : {false, true}) {
    std::vector<std::string> args{"--engine", "threads", "--threads", "1", "--port", "0"};
    if (quiet) args.emplace_back("--quiet");
    process server(args);
    const auto url = listening_url(server);
    ASSERT_NE(url, "");
    const auto before = server.all_stderr().size();
    for (const auto& r : client::get_all({url + "/delay/0.2", url + "/delay/0.2"}))
      EXPECT_EQ(r.status, 200) << r.error;
    const auto said = server.all_stderr().substr(before);
    if (quiet) {
      EXPECT_EQ(said, "");
    } else {
      EXPECT_NE(said.find("threads"), std::string::npos) << "stderr: " << said;
    }
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait_exit(5), 0);
  }
}

TEST(cli, help_prints_usage_and_exits_0) {
  process server({"--help"});
  ASSERT_EQ(server.wait_exit(5), 0);
  const auto out = server.all_stdout();
  for (const char* option : {"--host", "--port", "--engine", "--threads", "--max-delay",
                             "--max-concurrent-streams", "--quiet", "--help"})
    EXPECT_NE(out.find(option), std::string::npos) << option << " missing from:\n" << out;
  EXPECT_EQ(out.find("listening"), std::string::npos);
}

// Bad arguments: exit status 2 and a message naming the argument.
struct bad_arguments {
  const char* name;
  std::vector<std::string> args;
  const char* mentions;
};

void PrintTo(const bad_arguments& bad, std::ostream* out) {
  for (const auto& arg : bad.args) *out << arg << ' ';
}

class cli_bad_arguments_test : public ::testing::TestWithParam<bad_arguments> {};

TEST_P(cli_bad_arguments_test, exit_2_naming_the_argument) {
  process server(GetParam().args);
  const auto code = server.wait_exit(5);
  ASSERT_TRUE(code.has_value()) << "did not exit; stdout: " << server.all_stdout();
  EXPECT_EQ(*code, 2);
  const auto err = server.all_stderr();
  EXPECT_NE(err.find(GetParam().mentions), std::string::npos) << err;
  EXPECT_EQ(server.all_stdout().find("listening"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    cli, cli_bad_arguments_test,
    ::testing::Values(
        bad_arguments{"port_not_a_number", {"--port", "abc"}, "--port"},
        bad_arguments{"port_too_large", {"--port", "70000"}, "--port"},
        bad_arguments{"port_negative", {"--port", "-1"}, "--port"},
        bad_arguments{"port_without_value", {"--port"}, "--port"},
        bad_arguments{"engine_unknown", {"--engine", "fibers"}, "--engine"},
        bad_arguments{"threads_zero", {"--threads", "0"}, "--threads"},
        bad_arguments{"threads_not_a_number", {"--threads", "x"}, "--threads"},
        bad_arguments{"max_delay_negative", {"--max-delay", "-1"}, "--max-delay"},
        bad_arguments{"max_delay_nan", {"--max-delay", "nan"}, "--max-delay"},
        bad_arguments{"max_streams_zero",
                      {"--max-concurrent-streams", "0"},
                      "--max-concurrent-streams '0': expected a whole number from 1"},
        bad_arguments{"max_streams_too_large",
                      {"--max-concurrent-streams", "2147483648"},
                      "--max-concurrent-streams"},
        bad_arguments{"max_streams_not_a_number",
                      {"--max-concurrent-streams", "1e4"},
                      "--max-concurrent-streams"},
        bad_arguments{"client_rate_negative", {"--client-rate", "-5"}, "--client-rate"},
        bad_arguments{
            "client_connections_not_a_number",
            {"--client-connections", "many"},
            "--client-connections 'many': expected a whole number, 0 for no limit"},
        bad_arguments{
            "client_bytes_fraction", {"--client-bytes", "1.5"}, "--client-bytes"},
        bad_arguments{"client_rate_without_value", {"--client-rate"}, "--client-rate"},
        bad_arguments{"unknown_option", {"--bogus"}, "--bogus"},
        bad_arguments{"stray_argument", {"extra"}, "extra"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
