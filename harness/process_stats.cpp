// Process statistics from getrusage(2) and /proc (Linux).
#include "harness/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace inflight::harness {

namespace {

// The number after "<key>:" in /proc/self/status, or 0 where there is none.
long proc_status_value(const std::string& key) {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return 0;
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

double process_cpu_s() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long peak_rss_kb() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return usage.ru_maxrss;  // Linux reports KiB
}

int live_thread_count() {
  return static_cast<int>(proc_status_value("Threads"));
}

long current_thread_id() {
  return static_cast<long>(gettid());
}

}  // namespace inflight::harness
