// The summary table: one row per chapter, measured numbers only.
#pragma once

#include <ostream>
#include <vector>

#include "tour/chapters.hpp"

namespace inflight::tour {

void print_table(std::ostream& out, const std::vector<row_result>& rows,
                 std::size_t requests, double delay_s);

}  // namespace inflight::tour
