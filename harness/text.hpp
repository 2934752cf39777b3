// Small text helpers the report, the timeline and the options share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace inflight::harness {

// The shortest decimal that reads back as `value`: 0.05 -> "0.05", 10 -> "10".
std::string format_number(double value);

// Fixed decimals: format_fixed(1.23456, 3) -> "1.235".
std::string format_fixed(double value, int decimals);

std::string trimmed(std::string_view text);

// `text` followed by spaces up to `width` columns (counting bytes: ASCII only).
std::string padded(std::string_view text, std::size_t width);

}  // namespace inflight::harness
