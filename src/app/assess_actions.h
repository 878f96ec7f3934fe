// src/app/assess_actions.h: `willis assess` as a use case: read a profile (a file or standard
// input), assess it against the KB, render the report. The CLI only parses the options.
#pragma once

#include <string>

#include "app/command_result.h"

namespace willis::app {

struct AssessRequest {
  std::string profile_path;     ///< "-" = standard input
  std::string format = "text";  ///< text or json (the willis.assessment/1 contract)
  bool colour = false;          ///< text only: ANSI colours (the face decides: a terminal or not)
  std::string as_of;            ///< FHIR input: the date ages are computed at (default: today)
};

/// YAML, JSON or FHIR R4 (a Bundle, a resource or NDJSON), detected from the content.
CommandResult assess_profile(const CommandContext& context, const AssessRequest& request);

}  // namespace willis::app
