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
};

const char* usage_text =
    "usage: tour [--requests N] [--delay S] [--quick] [--url URL] [--json] [--help]\n"
    "Runs every chapter on N requests of S seconds (default 10 x 1 s, as in the\n"
    "original lesson; --quick: 10 x 0.2 s) against one delay server, then prints\n"
    "one table. --url: use that server instead of starting one. --json: one JSON\n"
    "object per chapter, one per line.\n";

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

  std::vector<tour::row_result> rows;
  bool all_ok = true;
  for (const auto& run : tour::chapter_runs(options.requests, options.delay_s)) {
    if (!options.json)
      std::cout << "== " << run.label << " (" << run.executable << ")\n" << std::flush;
    std::vector<std::string> args{
        "--url",      options.url,
        "--requests", std::to_string(options.requests),
        "--delay",    harness::format_number(run.delay_s.value_or(options.delay_s)),
        "--json"};
    if (!options.json && run.timeline) args.emplace_back("--timeline");
    args.insert(args.end(), run.args.begin(), run.args.end());
    harness::reset_server_stats(options.url);

    const auto child =
        tour::run_child((bin / run.executable).string(), args, [&](double t) {
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
    if (!row.result) {
      row.error = child.how_it_ended +
                  (child.err.empty() ? "" : ": " + harness::trimmed(child.err));
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
