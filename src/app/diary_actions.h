// src/app/diary_actions.h: the diary and trial use cases behind `willis diary add|list|export|
// import` and `willis trial start|status|result`: open the diary, read files, call core, store
// and render, and hand back the output text and exit status. Nothing is decided here.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "app/command_result.h"
#include "core/trial.h"

namespace willis::app {

/// One diary field as the person gave it: the flag they typed (errors name it) and its value,
/// or no value when the flag was not given.
struct EntryInput {
  const char* flag;
  const char* field;
  std::optional<std::string> value;
};

/// Adds or replaces the entry of `date` (YYYY-MM-DD, today or yesterday).
CommandResult diary_add(const CommandContext& context, const std::string& date,
                        const std::vector<EntryInput>& inputs);
/// The entries from..to (empty: no bound) as text, json or csv.
CommandResult diary_list(const CommandContext& context, const std::string& from,
                         const std::string& to, const std::string& format);
/// Every entry as csv or json.
CommandResult diary_export(const CommandContext& context, const std::string& format);
/// Reads `file` ("-" = standard input) as csv or json (empty: from the name, else the first
/// character), checks every row, then writes them all or nothing.
CommandResult diary_import(const CommandContext& context, const std::string& file,
                           const std::string& format);

/// An option value no one types: "not given" (any typed value, even negative, is validated).
inline constexpr int kWeeksNotGiven = std::numeric_limits<int>::min();

struct TrialStartRequest {
  std::string baseline_start;
  std::string treatment_start;
  std::string design = "ab";
  int treatment_weeks = 0;                // 0 = the design's default
  int withdrawal_weeks = kWeeksNotGiven;  // the KB's default unless given
  bool replace = false;
  std::string primary;  // empty: RLS severity when the stored profile meets the RLS criteria, else
                        // sleep onset
};

CommandResult trial_start(const CommandContext& context, const TrialStartRequest& request);
/// Where the trial stands today, as text or json.
CommandResult trial_status(const CommandContext& context, const std::string& format);
/// The verdict as text, json or svg; `chart` (when not empty) also gets the SVG.
CommandResult trial_result(const CommandContext& context, const std::string& format,
                           const std::string& chart, double threshold);

}  // namespace willis::app
