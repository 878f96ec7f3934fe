// src/app/version.h: the three versions a bug report needs, in the words every face uses.
#pragma once

#include <string>

#include "core/assessment.h"
#include "willis_version.h"

namespace willis::app {

/// "willis X.Y.Z, knowledge base K, contract C" (`willis --version`).
inline std::string version_line() {
  return std::string("willis ") + kVersion + ", knowledge base " + kKbVersion + ", contract " +
         core::Assessment{}.schema;
}

}  // namespace willis::app
