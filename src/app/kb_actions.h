// src/app/kb_actions.h: the use cases behind `willis kb check | report | show`: load the
// knowledge base (embedded, or the YAML of --kb) and hand back the text and exit status.
#pragma once

#include <string>

#include "app/command_result.h"

namespace willis::app {

/// Validates the knowledge base; every problem with its file:line.
CommandResult check_kb(const CommandContext& context);
/// Version, counts, unverified entries and those not reviewed in the 12 months before `today`
/// (YYYY-MM-DD; empty = the clock's today).
CommandResult report_kb(const CommandContext& context, const std::string& today);
/// One entry ("interaction:ciprofloxacin", …) as written, with the sources it cites.
CommandResult show_kb_entry(const CommandContext& context, const std::string& query);

}  // namespace willis::app
