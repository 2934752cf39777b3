// What a trace viewer needs from a trace: on every track, spans that overlap
// nest (one inside the other). A track is a thread's, for complete ("X")
// events, or an async id's, for begin/end ("b"/"e") pairs; each begin has
// its end. Returns what is wrong, or an empty string.
#pragma once

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace inflight::test_support {

inline std::string trace_problems(const nlohmann::json& trace,
                                  std::size_t* spans = nullptr) {
  using span = std::pair<double, double>;  // start, end (µs)
  std::map<std::string, std::vector<span>> tracks;
  std::map<std::string, double> open;  // async begins waiting for their end
  for (const auto& e : trace.at("traceEvents")) {
    const std::string ph = e.at("ph");
    if (ph == "X") {
      const double ts = e.at("ts");
      tracks["thread " + e.at("tid").dump()].emplace_back(ts,
                                                          ts + e.at("dur").get<double>());
    } else if (ph == "b" || ph == "e") {
      const std::string key = "async " + e.at("cat").dump() + " " + e.at("id").dump();
      if (ph == "b") {
        if (open.contains(key)) return key + " begins twice";
        open[key] = e.at("ts");
      } else {
        const auto it = open.find(key);
        if (it == open.end()) return key + " ends without a begin";
        tracks[key].emplace_back(it->second, e.at("ts").get<double>());
        open.erase(it);
      }
    }
  }
  if (!open.empty()) return open.begin()->first + " never ends";
  std::size_t count = 0;
  for (auto& [track, list] : tracks) {
    // By start, and the longer first where two start together: it encloses.
    std::ranges::sort(list, [](const span& a, const span& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    count += list.size();
    // Sorted by start, a span nests if it ends by the end of every span still open.
    std::vector<double> ends;
    for (const auto& [start, end] : list) {
      if (end < start) return track + ": a span ends before it starts";
      while (!ends.empty() && ends.back() <= start) ends.pop_back();
      if (!ends.empty() && end > ends.back())
        return track + ": spans overlap without nesting";
      ends.push_back(end);
    }
  }
  if (spans) *spans = count;
  return {};
}

}  // namespace inflight::test_support
