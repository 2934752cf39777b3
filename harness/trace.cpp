// Writing the Chrome trace-event format (the "JSON Object Format" of
// https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU).
#include "harness/trace.hpp"

#include <unistd.h>

#include <fstream>
#include <map>
#include <stdexcept>

namespace inflight::harness {

namespace {

double microseconds(double seconds) {
  return seconds * 1e6;
}

// "GET /delay/1" reads better on a span than the whole URL.
std::string span_name(const std::string& url) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return "GET " + (path == std::string::npos ? std::string("/") : url.substr(path));
}

}  // namespace

nlohmann::json trace_json(const std::string& process_name,
                          const std::vector<request_record>& records) {
  const int pid = getpid();
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"ph", "M"},
                    {"name", "process_name"},
                    {"pid", pid},
                    {"args", {{"name", process_name}}}});
  // Threads get short names in order of first use: "thread 1", "thread 2"...
  std::map<long, std::size_t> thread_numbers;
  for (const request_record& r : records) {
    if (thread_numbers.contains(r.thread)) continue;
    const std::size_t number = thread_numbers.size() + 1;
    thread_numbers[r.thread] = number;
    events.push_back({{"ph", "M"},
                      {"name", "thread_name"},
                      {"pid", pid},
                      {"tid", r.thread},
                      {"args", {{"name", "thread " + std::to_string(number)}}}});
  }
  for (const request_record& r : records) {
    events.push_back({{"ph", "X"},
                      {"name", span_name(r.url)},
                      {"cat", r.ok() ? "ok" : "failed"},
                      {"pid", pid},
                      {"tid", r.thread},
                      {"ts", microseconds(r.start_s)},
                      {"dur", microseconds(r.end_s - r.start_s)},
                      {"args",
                       {{"index", r.index},
                        {"url", r.url},
                        {"status", r.status},
                        {"bytes", r.bytes},
                        {"error", r.error}}}});
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
}

void write_trace(const std::string& path, const std::string& process_name,
                 const std::vector<request_record>& records) {
  std::ofstream out{path};
  out << trace_json(process_name, records).dump() << "\n";
  if (!out) throw std::runtime_error("--trace: cannot write " + path);
}

}  // namespace inflight::harness
