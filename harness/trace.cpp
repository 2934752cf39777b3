// Writing the Chrome trace-event format ("JSON Object Format": complete "X"
// events on thread tracks, async "b"/"e" pairs keyed by an id).
#include "harness/trace.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

// Whether some two of a thread's requests overlap in time.
bool overlaps(std::vector<const request_record*> spans) {
  std::ranges::sort(spans, {}, &request_record::start_s);
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i]->start_s < spans[i - 1]->end_s) return true;
  return false;
}

nlohmann::json request_args(const request_record& r, std::size_t thread_number) {
  return {{"index", r.index}, {"url", r.url},     {"status", r.status},
          {"bytes", r.bytes}, {"error", r.error}, {"thread", thread_number}};
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
  std::map<long, std::vector<const request_record*>> by_thread;
  for (const request_record& r : records) {
    by_thread[r.thread].push_back(&r);
    if (thread_numbers.contains(r.thread)) continue;
    const std::size_t number = thread_numbers.size() + 1;
    thread_numbers[r.thread] = number;
    events.push_back({{"ph", "M"},
                      {"name", "thread_name"},
                      {"pid", pid},
                      {"tid", r.thread},
                      {"args", {{"name", "thread " + std::to_string(number)}}}});
  }
  std::map<long, bool> many_at_once;
  for (const auto& [thread, spans] : by_thread) many_at_once[thread] = overlaps(spans);

  for (const request_record& r : records) {
    const nlohmann::json args = request_args(r, thread_numbers[r.thread]);
    const nlohmann::json common = {{"name", span_name(r.url)},
                                   {"cat", r.ok() ? "ok" : "failed"},
                                   {"pid", pid},
                                   {"tid", r.thread}};
    if (!many_at_once[r.thread]) {
      nlohmann::json span = common;
      span.update({{"ph", "X"},
                   {"ts", microseconds(r.start_s)},
                   {"dur", microseconds(r.end_s - r.start_s)},
                   {"args", args}});
      events.push_back(std::move(span));
      continue;
    }
    nlohmann::json begin = common;  // the pair shares cat and id: one request
    begin.update(
        {{"ph", "b"}, {"id", r.index}, {"ts", microseconds(r.start_s)}, {"args", args}});
    nlohmann::json end = common;
    end.update({{"ph", "e"}, {"id", r.index}, {"ts", microseconds(r.end_s)}});
    events.push_back(std::move(begin));
    events.push_back(std::move(end));
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
}

trace_file::trace_file(std::string path) : path_{std::move(path)}, out_{path_} {
  if (!out_) {
    throw std::runtime_error("--trace: cannot open " + path_ + ": " +
                             std::strerror(errno));
  }
}

void trace_file::write(const std::string& process_name,
                       const std::vector<request_record>& records) {
  out_ << trace_json(process_name, records).dump() << "\n";
  out_.close();  // a write error may show only now, when the buffer is flushed
  if (!out_) throw std::runtime_error("--trace: cannot write " + path_);
}

}  // namespace inflight::harness
