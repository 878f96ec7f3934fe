// src/app/version.h: the three versions a bug report needs, in the words every face uses.
#pragma once

#include <cstdio>
#include <string>

#include "core/assessment.h"
#include "willis_version.h"

namespace willis::app {

/// "willis X.Y.Z, knowledge base K, contract C" (`willis --version`), as a printf format of
/// kVersion, kKbVersion and core::kContract.
inline constexpr const char* kVersionLineFormat = "willis %s, knowledge base %s, contract %s";

inline std::string version_line() {
  char line[256];
  std::snprintf(line, sizeof line, kVersionLineFormat, kVersion, kKbVersion, core::kContract);
  return line;
}

/// Prints the version line and a newline without allocating: `willis --version` stays clear of
/// the allocator's huge page (src/cli/main.cc).
inline void print_version_line() {
  std::printf(kVersionLineFormat, kVersion, kKbVersion, core::kContract);
  std::printf("\n");
}

}  // namespace willis::app
