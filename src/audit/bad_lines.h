// src/audit/bad_lines.h: the lines a run could not use, written as "FILE:LINE: reason" in file and
// line order once every chunk's first line number is known.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit.h"

namespace willis::audit {

/// A bad line, before its chunk's first line number is known.
struct BadLine {
  std::uint32_t file = 0;
  std::uint64_t chunk = 0;  ///< the chunk's sequence number (grouped mode: 0)
  std::uint64_t line = 0;   ///< 1-based within the chunk
  std::string reason;
};

/// Why a line longer than the cap is bad.
std::string overlong_reason(std::size_t max_line_bytes);

/// Sorts the bad lines and writes them as FILE:LINE: reason. `chunk_first_line`: the line number
/// before each chunk's first (empty: 0 for all).
void write_errors(std::vector<BadLine>& bad, const std::vector<std::string>& names,
                  const std::vector<std::uint64_t>& chunk_first_line, const Sinks& sinks);

}  // namespace willis::audit
