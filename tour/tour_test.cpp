// The tour end to end, as a reader runs it: a row per chapter, measured, and a
// chapter that fails shows up as failed without stopping the others.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/test_support/command.hpp"
#include "harness/test_support/server_fixture.hpp"
#include "tour/child.hpp"

namespace inflight::tour {
namespace {

using test_support::run_command;

// 05's row comes last, after the request chapters' rows; 04's Asio twin
// (04_coroutines/asio/) has one of those when Boost was found at build time.
#if INFLIGHT_ASIO_TWIN
constexpr std::size_t cpu_row = 7;
#else
constexpr std::size_t cpu_row = 6;
#endif

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in{out};
  for (std::string line; std::getline(in, line);)
    lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(tour, quick_run_prints_a_row_per_chapter) {
  const auto run = run_command(TOUR_EXECUTABLE, {"--quick", "--requests", "3"});
  ASSERT_EQ(run.exit_status, 0) << run.out << run.err;
  for (const char* row :
       {"01 sequential", "02 thread per request", "02 pool of 3 threads", "03 curl multi",
        "03 over HTTP/2", "04 coroutines", "05 sequential", "05 coroutines"}) {
    EXPECT_NE(run.out.find(std::string("\n") + row + " "), std::string::npos) << row;
  }
#if INFLIGHT_ASIO_TWIN
  EXPECT_NE(run.out.find("\n04 on Boost.Asio "), std::string::npos) << run.out;
#endif
  EXPECT_NE(run.out.find("\n05 pool of "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("no gain: nothing to wait for"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("FAILED"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find('\r'), std::string::npos) << "no control codes without a TTY";
}

TEST(tour, json_is_one_object_per_chapter_with_its_measurements) {
  const auto run = run_command(TOUR_EXECUTABLE, {"--quick", "--requests", "3", "--json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto rows = json_lines(run.out);
  ASSERT_EQ(rows.size(), cpu_row + 1);
  // The server's own counts: requests in flight at once, connections accepted.
  std::vector<std::pair<std::int64_t, std::int64_t>> peaks_and_connections{
      {1, 1}, {3, 3}, {3, 3}, {3, 3}, {3, 1}, {3, 3}};
#if INFLIGHT_ASIO_TWIN
  peaks_and_connections.emplace_back(3, 3);  // 04 on Boost.Asio: a connection each
#endif
  ASSERT_EQ(peaks_and_connections.size(), cpu_row);
  for (std::size_t i = 0; i < peaks_and_connections.size(); ++i) {
    EXPECT_EQ(rows[i]["ok"], 3) << rows[i].dump();
    EXPECT_EQ(rows[i]["server_peak_in_flight"], peaks_and_connections[i].first)
        << rows[i].dump();
    EXPECT_EQ(rows[i]["server_connections"], peaks_and_connections[i].second)
        << rows[i].dump();
    EXPECT_TRUE(rows[i]["tour_row"].is_string());
  }
  EXPECT_GE(rows[0]["wall_s"].get<double>(), 3 * 0.2) << "sequential: N x d at least";
  EXPECT_EQ(rows[4]["tour_row"], "03 over HTTP/2");
  EXPECT_EQ(rows[4]["warmups"], 1) << "one a host: --http2 opens the connection with it";
  EXPECT_EQ(rows[4]["server_streams"], 3 + 1) << rows[4].dump();
  // 05: CPU tasks run four ways, and the mixed demo's requests in both halves.
  const nlohmann::json& cpu = rows[cpu_row];
  EXPECT_EQ(cpu["chapter"], "05_cpu_bound");
  EXPECT_EQ(cpu["ok"], 6) << cpu.dump();
  ASSERT_EQ(cpu["runs"].size(), 5U) << cpu.dump();
  for (const auto& way : cpu["runs"]) EXPECT_EQ(way["verified"], true) << way.dump();
}

TEST(tour, the_pool_row_shows_a_partial_wave_and_05_keeps_its_demo_short) {
  // 7 requests on a pool of 6: a full wave and a partial one, 2 x the delay.
  const auto run =
      run_command(TOUR_EXECUTABLE, {"--requests", "7", "--delay", "0.3", "--json"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto rows = json_lines(run.out);
  ASSERT_EQ(rows.size(), cpu_row + 1);
  EXPECT_EQ(rows[2]["tour_row"], "02 pool of 6 threads");
  EXPECT_EQ(rows[2]["server_peak_in_flight"], 6) << rows[2].dump();
  EXPECT_DOUBLE_EQ(rows[2]["expected_s"].get<double>(), 2 * 0.3);
  // 05's mixed demo needs requests in flight, not the tour's whole delay.
  EXPECT_DOUBLE_EQ(rows[cpu_row]["delay_s"].get<double>(), 0.1) << rows[cpu_row].dump();
}

TEST(tour, a_failing_chapter_is_reported_and_the_exit_status_says_so) {
  const auto run = run_command(TOUR_EXECUTABLE, {"--quick", "--requests", "2", "--url",
                                                 test_support::closed_port_url()});
  EXPECT_EQ(run.exit_status, 1) << run.out;
  EXPECT_NE(run.out.find("01 sequential             FAILED: 2 of 2 requests failed"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("03 curl multi             FAILED"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("04 coroutines             FAILED"), std::string::npos)
      << run.out;
#if INFLIGHT_ASIO_TWIN
  EXPECT_NE(run.out.find("04 on Boost.Asio          FAILED"), std::string::npos)
      << run.out;
#endif
  EXPECT_NE(run.out.find("05 CPU-bound              FAILED: 4 of 4 requests failed"),
            std::string::npos)
      << run.out;
}

TEST(tour, peers_add_the_original_lessons_python_rows) {
  if (run_command("/usr/bin/python3", {"-c", "import requests, aiohttp"}).exit_status !=
      0)
    GTEST_SKIP()
        << "python3-requests or python3-aiohttp missing: scripts/setup.sh --peers";
  const auto run =
      run_command(TOUR_EXECUTABLE, {"--quick", "--requests", "3", "--peers", "--json"});
  ASSERT_EQ(run.exit_status, 0) << run.out << run.err;
  std::map<std::string, nlohmann::json> by_row;
  for (auto& row : json_lines(run.out)) by_row[row["tour_row"]] = row;
  // The server's own count: the loop holds one request at a time, gather all 3.
  for (const auto& [row, peak] :
       {std::pair{"Python requests loop", 1}, std::pair{"Python asyncio gather", 3}}) {
    ASSERT_EQ(by_row.count(row), 1U) << row << "\n" << run.out;
    EXPECT_EQ(by_row[row]["ok"], 3) << row;
    EXPECT_EQ(by_row[row]["server_peak_in_flight"], peak) << row;
  }
}

TEST(tour, bad_arguments_exit_2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--requests", "0"}, {"--delay", "-1"}, {"--url", "ftp://x"}, {"--what"}}) {
    const auto run = run_command(TOUR_EXECUTABLE, args);
    EXPECT_EQ(run.exit_status, 2) << args[0];
    EXPECT_NE(run.err.find("tour: " + args[0]), std::string::npos) << run.err;
  }
}

TEST(run_child, never_opens_a_predictable_name) {
  // Symlinks planted under the names run_child used to open, pointing at a
  // file another user could have made: the child's output must not go there.
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path();
  const fs::path victim = tmp / ("inflight_victim_tour_" + std::to_string(getpid()));
  std::ofstream{victim} << "precious\n";
  const std::string stem = "inflight_tour_" + std::to_string(getpid());
  for (const char* ext : {".out", ".err"}) {
    fs::remove(tmp / (stem + ext));
    fs::create_symlink(victim, tmp / (stem + ext));
  }
  const child_result child =
      run_child("/bin/sh", {"-c", "echo out; echo err >&2"}, [](double) {});
  std::ifstream in{victim};
  std::string kept;
  std::getline(in, kept);
  for (const char* ext : {".out", ".err"}) fs::remove(tmp / (stem + ext));
  fs::remove(victim);
  EXPECT_EQ(child.exit_status, 0) << child.how_it_ended;
  EXPECT_EQ(child.out, "out\n");
  EXPECT_EQ(child.err, "err\n");
  EXPECT_EQ(kept, "precious") << "the child wrote through a planted link";
}

}  // namespace
}  // namespace inflight::tour
