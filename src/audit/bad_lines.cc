// src/audit/bad_lines.cc: writing the bad lines (bad_lines.h).
#include "audit/bad_lines.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace willis::audit {

std::string overlong_reason(std::size_t max_line_bytes) {
  return fmt::format("a line longer than {} bytes (--max-line-bytes): skipped", max_line_bytes);
}

void write_errors(std::vector<BadLine>& bad, const std::vector<std::string>& names,
                  const std::vector<std::uint64_t>& chunk_first_line, const Sinks& sinks) {
  for (auto& item : bad) item.line += chunk_first_line.empty() ? 0 : chunk_first_line[item.chunk];
  std::sort(bad.begin(), bad.end(), [](const BadLine& a, const BadLine& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  if (!sinks.error) return;
  std::string reason;
  for (const auto& item : bad) {
    // One line each: control characters of the input (unescaped from JSON strings) are shown as
    // '?'.
    reason = item.reason;
    for (char& c : reason)
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    sinks.error(fmt::format("{}:{}: {}\n", names[item.file], item.line, reason));
  }
}

}  // namespace willis::audit
