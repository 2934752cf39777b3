// A proxy in the environment, as workshop rooms and company laptops set one:
// traffic to the bundled server on loopback never goes through it, and a
// user's own URL still does, as curl's own tools would send it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/test_support/command.hpp"

namespace inflight::tour {
namespace {

using test_support::run_command;

// Nothing listens on the discard port: a request sent through this proxy
// fails at once with "Failed to connect to 127.0.0.1 port 9".
const std::vector<std::string> dead_proxy = {"http_proxy=http://127.0.0.1:9",
                                             "HTTP_PROXY=http://127.0.0.1:9",
                                             "https_proxy=http://127.0.0.1:9",
                                             "all_proxy=http://127.0.0.1:9",
                                             "no_proxy=",
                                             "NO_PROXY="};

// The chapters sit beside the tour in bin/.
std::string beside_tour(const std::string& name) {
  return (std::filesystem::path(TOUR_EXECUTABLE).parent_path() / name).string();
}

// `env VAR=... executable args...`: the proxy for this one run only.
test_support::command_result run_with_proxy(const std::string& executable,
                                            const std::vector<std::string>& args) {
  std::vector<std::string> all = dead_proxy;
  all.push_back(executable);
  all.insert(all.end(), args.begin(), args.end());
  return run_command("/usr/bin/env", all);
}

class proxy_test : public ::testing::TestWithParam<std::string> {};

TEST_P(proxy_test, the_bundled_server_is_reached_without_the_proxy) {
  const auto run =
      run_with_proxy(beside_tour(GetParam()), {"--requests", "3", "--delay", "0.05"});
  EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("3: 3 ok, 0 failed"), std::string::npos) << run.out << run.err;
}

std::vector<std::string> request_chapters() {
  std::vector<std::string> names = {"01_sync", "02_threads", "03_curl_multi",
                                    "04_coroutines"};
#if INFLIGHT_ASIO_TWIN
  names.emplace_back("04_asio");
#endif
  return names;
}

INSTANTIATE_TEST_SUITE_P(chapters, proxy_test, ::testing::ValuesIn(request_chapters()),
                         [](const auto& info) {
                           return "ch" + info.param.substr(0, 2) +
                                  (info.param == "04_asio" ? "_asio" : "");
                         });

TEST(proxy, chapter_05_reaches_the_bundled_server_without_the_proxy) {
  const auto run = run_with_proxy(beside_tour("05_cpu_bound"),
                                  {"--requests", "3", "--delay", "0.05", "--json"});
  EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("\"failed\":0"), std::string::npos) << run.out << run.err;
}

TEST(proxy, the_tour_reaches_the_bundled_server_without_the_proxy) {
  const auto run = run_with_proxy(TOUR_EXECUTABLE, {"--quick", "--requests", "3"});
  EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("failed"), std::string::npos) << run.out << run.err;
}

// A host that is not this machine follows the environment: the request goes
// to the (dead) proxy, which is what the error names, and not to a name
// lookup of the host itself.
TEST(proxy, a_users_own_url_goes_through_the_proxy) {
  const auto run = run_with_proxy(beside_tour("03_curl_multi"),
                                  {"--requests", "1", "--delay", "0.05", "--url",
                                   "http://inflight.invalid", "--timeout", "5"});
  EXPECT_EQ(run.exit_status, 1) << run.out << run.err;
  EXPECT_NE((run.out + run.err).find("127.0.0.1 port 9"), std::string::npos)
      << run.out << run.err;
}

}  // namespace
}  // namespace inflight::tour
