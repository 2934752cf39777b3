// The nearest-rank percentile /stats reports, in a header of its own so that
// the benchmarks' floor_server computes its /stats the same way without
// linking the server.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace inflight::mock {

// Nearest-rank percentile `p` (0-100) of an unsorted copy; 0 when empty.
inline double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  const auto rank = static_cast<std::size_t>(
      std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  const auto index = std::clamp<std::size_t>(rank, 1, samples.size()) - 1;
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(index),
                   samples.end());
  return samples[index];
}

}  // namespace inflight::mock
