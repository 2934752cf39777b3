// tour: every chapter on the same workload against one bundled server, then
// one table. What a reader runs first and a teacher puts on the projector.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <span>

#include "harness/options.hpp"
#include "harness/server_stats.hpp"
#include "harness/text.hpp"
#include "mock_server/server.hpp"
#include "tour/child.hpp"
#include "tour/table.hpp"

using namespace inflight;

namespace {

struct tour_options {
  std::size_t requests = 10;
  double delay_s = 1.0;
  std::string url;  // empty: start the bundled server here
  bool json = false;
  bool peers = false;  // the original lesson's Python programs too
};

const char* usage_text =
    "usage: tour [--requests N] [--delay S] [--quick] [--url URL] [--json] [--peers]\n"
    "            [--help]\n"
    "Runs every chapter on N requests of S seconds (default 10 x 1 s, as in the\n"
    "original lesson; --quick: 10 x 0.2 s) against one delay server, then prints\n"
    "one table. --url: use that server instead of starting one. --json: one JSON\n"
    "object per chapter, one per line. --peers: also the original lesson's Python\n"
    "programs (python3-requests and python3-aiohttp: scripts/setup.sh --peers).\n";

tour_options parse(std::span<char*> args) {
  tour_options options;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= args.size())
        throw harness::usage_error(std::string(arg) + ": needs a value");
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << usage_text;
      std::exit(0);
    } else if (arg == "--requests") {
      options.requests =
          static_cast<std::size_t>(harness::parse_whole(arg, value(), 1, 1000));
    } else if (arg == "--delay") {
      options.delay_s = harness::parse_seconds(arg, value(), 0, 10);
    } else if (arg == "--quick") {
      options.delay_s = 0.2;
    } else if (arg == "--url") {
      options.url = value();
      if (options.url.rfind("http://", 0) != 0)
        throw harness::usage_error("--url: expected http://HOST:PORT, got '" +
                                   options.url + "'");
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--peers") {
      options.peers = true;
    } else {
      throw harness::usage_error(std::string(arg) + ": unknown option");
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  tour_options options;
  try {
    options = parse(std::span(argv, static_cast<std::size_t>(argc)));
  } catch (const harness::usage_error& e) {
    std::cerr << "tour: " << e.what() << "\n" << usage_text;
    return 2;
  }

  std::unique_ptr<mock::server> server;
  try {
    if (options.url.empty()) {
      server = std::make_unique<mock::server>();
      options.url = server->url();
    }
  } catch (const std::exception& e) {
    std::cerr << "tour: cannot start the delay server: " << e.what() << "\n";
    return 1;
  }
  const auto bin = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  const bool live = isatty(STDERR_FILENO) != 0 && !options.json;
  if (!options.json)
    std::cout << "inflight tour: " << options.requests << " requests of "
              << harness::format_number(options.delay_s)
              << " s each, against the delay server at " << options.url << "\n\n";

  auto runs = tour::chapter_runs(options.requests, options.delay_s);
  if (options.peers) {  // after the request chapters, before 05's CPU rows
    const auto peers = tour::peer_runs();
    runs.insert(runs.end() - 1, peers.begin(), peers.end());
  }
  std::vector<tour::row_result> rows;
  bool all_ok = true;
  for (const auto& run : runs) {
    const bool peer = !run.interpreter.empty();
    if (!options.json)
      std::cout << "== " << run.label << " ("
                << (peer ? std::filesystem::path(run.executable).filename().string()
                         : run.executable)
                << ")\n"
                << std::flush;
    const std::string requests = std::to_string(options.requests);
    const std::string delay =
        harness::format_number(run.delay_s.value_or(options.delay_s));
    // A peer takes BASE_URL N DELAY_S and prints one JSON line; a chapter, options.
    std::vector<std::string> args{run.executable, options.url, requests, delay};
    if (!peer) {
      args = {"--url", options.url, "--requests", requests, "--delay", delay, "--json"};
      if (!options.json && run.timeline) args.emplace_back("--timeline");
      args.insert(args.end(), run.args.begin(), run.args.end());
    }
    harness::reset_server_stats(options.url);

    const std::string program = peer ? run.interpreter : (bin / run.executable).string();
    const auto child = tour::run_child(program, args, [&](double t) {
      if (!live) return;
      const std::int64_t answered =
          server ? static_cast<std::int64_t>(server->stats().served) : -1;
      std::cerr << "\r   running: " << harness::format_fixed(t, 1) << " s";
      if (answered >= 0)
        std::cerr << ", " << answered << "/" << options.requests << " answered";
      std::cerr << std::flush;
    });
    if (live) std::cerr << "\r\033[K" << std::flush;

    tour::row_result row{run, std::nullopt, child.err, ""};
    auto parsed = nlohmann::json::parse(child.out, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) row.result = parsed;
    if (row.result && peer) {
      // The server's own counts, as each chapter reads them for its report.
      if (const auto stats = harness::read_server_stats(options.url)) {
        (*row.result)["server_peak_in_flight"] =
            harness::stats_count(*stats, "peak_in_flight").value_or(-1);
        (*row.result)["server_connections"] =
            harness::stats_count(*stats, "connections_opened").value_or(-1);
      }
    }
    if (!row.result) {
      row.error = child.how_it_ended +
                  (child.err.empty() ? "" : ": " + harness::trimmed(child.err));
      if (peer) row.error += " (scripts/setup.sh --peers installs what it needs)";
    } else if (peer && (*row.result)["ok"] != (*row.result)["requests"]) {
      row.error = "only " + (*row.result)["ok"].dump() + " of " +
                  (*row.result)["requests"].dump() + " requests ok";
    } else if (child.exit_status != 0) {
      row.error = parsed["failed"].dump() + " of " + parsed["requests"].dump() +
                  " requests failed";
      if (!parsed["errors"].empty())
        row.error += " (first: " + parsed["errors"][0]["error"].get<std::string>() + ")";
    }
    all_ok = all_ok && row.error.empty();

    if (options.json) {
      nlohmann::json line = row.result.value_or(nlohmann::json::object());
      line["tour_row"] = run.label;
      if (!row.error.empty()) line["tour_error"] = row.error;
      std::cout << line.dump() << "\n" << std::flush;
    } else {
      std::cout << (row.result ? child.err : "   " + row.error + "\n") << "\n";
    }
    rows.push_back(std::move(row));
  }
  if (!options.json)
    tour::print_table(std::cout, rows, options.requests, options.delay_s);
  return all_ok ? 0 : 1;
}
