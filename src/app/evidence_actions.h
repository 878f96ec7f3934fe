// src/app/evidence_actions.h: the use cases behind `willis claims | sources | conflicts | ask |
// foods`: load the KB, the evidence and the food table (embedded, or from folders), call core,
// store and render, and hand back the text (or JSON) and exit status. Nothing is decided here.
#pragma once

#include <string>
#include <vector>

#include "app/command_result.h"
#include "core/ask_evidence.h"

namespace willis::app {

/// The topics and verdicts a claim can have (for --topic and --verdict).
inline const std::vector<std::string>& claim_topics() {
  return core::kClaimTopics;
}
inline const std::vector<std::string>& claim_verdicts() {
  return core::kClaimVerdicts;
}

struct EvidenceRequest {
  std::string format = "text";  ///< text or json
  std::string evidence_dir;     ///< --evidence DIR: read evidence/*.yaml from a folder instead
  std::string food_dir;  ///< --food-data DIR: read foods.csv and portions.csv from a folder instead
  std::string topic, article, verdict;
  std::string question;
  std::vector<std::string> words;
  std::string food_list;
  int limit = 10;
};

/// Claims with their verdicts, filtered by topic, article and verdict.
CommandResult list_claims(const CommandContext& context, const EvidenceRequest& request);
/// Every source and what cites it.
CommandResult list_sources(const CommandContext& context, const EvidenceRequest& request);
/// Where sources disagree, filtered by topic.
CommandResult list_conflicts(const CommandContext& context, const EvidenceRequest& request);
/// The KB entries that best answer `request.question`.
CommandResult answer_question(const CommandContext& context, const EvidenceRequest& request);
/// Foods matching `request.words`, with magnesium per 100 g and per portion.
CommandResult search_foods(const EvidenceRequest& request);
/// Magnesium a day from the food list in `request.food_list`.
CommandResult estimate_food_magnesium(const EvidenceRequest& request);

}  // namespace willis::app
