// Parsing the chapter command line: the shared option table, value checks,
// and the usage text generated from the same table.
#include "harness/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/text.hpp"
#include "mock_server/server.hpp"

namespace inflight::harness {

namespace {

constexpr std::int64_t max_requests = 100'000;  // far past where threads give out
constexpr double max_timeout_s = 3600;
// The bundled server refuses longer delays (like httpbin); say so up front
// rather than let every request fail with a 400.
const double max_delay_s = mock::server_options{}.max_delay_s;

std::string in_quotes(std::string_view text) {
  return "'" + std::string(text) + "'";
}

bool is_http_url(std::string_view url) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) return true;
  }
  return false;
}

std::vector<std::string> read_url_list(std::string_view file) {
  std::ifstream opened;
  if (file != "-") {
    opened.open(std::string(file));
    if (!opened) throw usage_error("--urls: cannot open " + in_quotes(file));
  }
  std::istream& in = file == "-" ? std::cin : opened;
  std::vector<std::string> urls;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string url = trimmed(line);
    if (url.empty() || url.starts_with('#')) continue;  // blank lines, comments
    if (!is_http_url(url)) {
      throw usage_error("--urls: line " + std::to_string(number) + " of " +
                        std::string(file) + " is not an http(s) URL: " + in_quotes(url));
    }
    urls.push_back(url);
  }
  if (urls.empty()) throw usage_error("--urls: no URLs in " + std::string(file));
  return urls;
}

// The shared rows of the option table, writing into `o`.
std::vector<option_spec> shared_options(const chapter_spec& chapter, run_options& o) {
  std::vector<option_spec> table{
      {"--requests", "N", "how many requests (default 10)",
       [&o](std::string_view v) {
         o.requests =
             static_cast<std::size_t>(parse_whole("--requests", v, 1, max_requests));
       }},
      {"--delay", "S", "seconds the server waits per request (default 1.0)",
       [&o](std::string_view v) {
         o.delay_s = parse_seconds("--delay", v, 0, max_delay_s);
       }},
      {"--url", "URL", "a running delay server (default: start one in-process)",
       [&o](std::string_view v) {
         if (!is_http_url(v)) {
           throw usage_error("--url: expected an http:// or https:// URL, got " +
                             in_quotes(v));
         }
         o.url = std::string(v);
         while (o.url.ends_with('/')) o.url.pop_back();
       }},
      {"--urls", "FILE", "fetch the URLs in FILE, one a line (- for stdin)",
       [&o](std::string_view v) { o.urls = read_url_list(v); }},
      {"--timeout", "S", "give up on a request after S seconds (default 60)",
       [&o](std::string_view v) {
         o.timeout_s = parse_seconds("--timeout", v, 0.001, max_timeout_s);
       }},
      {"--max-in-flight", "K",
       chapter.max_in_flight_help.empty() ? "(no bound in this chapter)"
                                          : chapter.max_in_flight_help,
       [&o, &chapter](std::string_view v) {
         if (chapter.max_in_flight_help.empty()) {
           throw usage_error("--max-in-flight: " + chapter.name +
                             " has no bound to set (its model decides how many)");
         }
         o.max_in_flight =
             static_cast<std::size_t>(parse_whole("--max-in-flight", v, 1, max_requests));
       }},
      {"--timeline", "", "draw one row per request on a shared time axis",
       [&o](std::string_view) { o.timeline = true; }},
      {"--trace", "FILE",
       chapter.traces ? "write a Chrome trace (open it in ui.perfetto.dev)"
                      : "(no trace in this chapter)",
       [&o, &chapter](std::string_view v) {
         if (!chapter.traces) {
           throw usage_error("--trace: " + chapter.name +
                             " writes no trace (the format names every span a GET, "
                             "and most of its spans are CPU tasks)");
         }
         if (v.empty()) throw usage_error("--trace: expected a file name");
         o.trace_file = std::string(v);
       }},
      {"--json", "", "print only the JSON result on stdout",
       [&o](std::string_view) { o.json = true; }},
      {"--http2", "",
       chapter.http2 ? "HTTP/2 over cleartext: the requests as streams of one connection"
                     : "(HTTP/1.1 only in this chapter)",
       [&o, &chapter](std::string_view) {
         if (!chapter.http2) {
           throw usage_error("--http2: " + chapter.name +
                             " speaks HTTP/1.1 only (each thread's requests have a "
                             "connection of their own: nothing to multiplex)");
         }
         o.http2 = true;
       }},
  };
  table.insert(table.end(), chapter.options.begin(), chapter.options.end());
  return table;
}

const option_spec* find_option(const std::vector<option_spec>& table,
                               std::string_view name) {
  for (const option_spec& spec : table) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

std::int64_t parse_whole(std::string_view option, std::string_view text, std::int64_t min,
                         std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min ||
      value > max) {
    throw usage_error(std::string(option) + ": expected a whole number from " +
                      std::to_string(min) + " to " + std::to_string(max) + ", got " +
                      in_quotes(text));
  }
  return value;
}

double parse_seconds(std::string_view option, std::string_view text, double min,
                     double max) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) ||
      value < min || value > max) {
    throw usage_error(std::string(option) + ": expected seconds from " +
                      format_number(min) + " to " + format_number(max) + ", got " +
                      in_quotes(text));
  }
  return value;
}

parse_result parse_arguments(const chapter_spec& chapter,
                             std::span<const std::string> args) {
  parse_result result;
  const std::vector<option_spec> table = shared_options(chapter, result.options);
  bool counted = false;  // --requests or --delay given: they conflict with --urls
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "--help" || arg == "-h") {
        result.help = true;
        return result;
      }
      // Both "--delay 0.5" and "--delay=0.5".
      const std::size_t equals = arg.find('=');
      const std::string name = arg.substr(0, equals);
      const option_spec* spec = find_option(table, name);
      if (spec == nullptr) throw usage_error("unknown argument " + in_quotes(arg));
      std::string value;
      if (equals != std::string::npos) {
        if (spec->value_name.empty()) throw usage_error(name + ": takes no value");
        value = arg.substr(equals + 1);
      } else if (!spec->value_name.empty()) {
        if (i + 1 == args.size()) {
          throw usage_error(name + ": needs a value (" + spec->value_name + ")");
        }
        value = args[++i];
      }
      spec->apply(value);
      counted = counted || name == "--requests" || name == "--delay";
    }
    const run_options& o = result.options;
    if (!o.urls.empty() && (counted || !o.url.empty())) {
      throw usage_error(
          "--urls: fetches its own list; drop --requests, --delay and --url");
    }
  } catch (const usage_error& e) {
    result.error = e.what();
  }
  return result;
}

std::string usage(const chapter_spec& chapter) {
  run_options ignored;
  std::ostringstream out;
  out << chapter.name << ": " << chapter.summary << "\n\nusage: " << chapter.name
      << " [options]\n";
  const auto table = shared_options(chapter, ignored);
  const auto left_of = [](const option_spec& spec) {
    return spec.name + (spec.value_name.empty() ? "" : " " + spec.value_name);
  };
  std::size_t width = 20;  // the help column: past the longest "--option VALUE"
  for (const option_spec& spec : table) width = std::max(width, left_of(spec).size() + 2);
  for (const option_spec& spec : table)
    out << "  " << padded(left_of(spec), width) << spec.help << "\n";
  out << "  " << padded("--help", width) << "this text\n";
  return out.str();
}

run_options parse_or_exit(const chapter_spec& chapter, int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  parse_result result = parse_arguments(chapter, args);
  if (result.help) {
    std::cout << usage(chapter);
    std::exit(0);
  }
  if (!result.error.empty()) {
    std::cerr << chapter.name << ": " << result.error << "\n\n" << usage(chapter);
    std::exit(2);
  }
  return std::move(result.options);
}

}  // namespace inflight::harness
