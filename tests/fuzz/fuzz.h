// tests/fuzz/fuzz.h: shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput; built
// with clang's -fsanitize=fuzzer it is a libFuzzer binary (scripts/fuzz), otherwise replay_main.cc
// gives it a main() that runs every file of its kept corpus once (the fuzz-replay/* ctests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/kb.h"
#include "core/names.h"

namespace willis::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A property every input must keep; a failure aborts, which libFuzzer records as a crash.
inline void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

/// The embedded knowledge base and its name index, loaded once (kept in statics, not leaked).
const core::Kb& kb();
const core::NameIndex& names();

}  // namespace willis::fuzz
