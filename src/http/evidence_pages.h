// src/http/evidence_pages.h: the web app's Evidence, Sources, Conflicts, Ask and Foods pages
// (issue 7). Composition only: the fragments come from codec/evidence_html, the answers from
// store::AskIndex / store::FoodIndex; this file lays them out with their forms. Every value taken
// from the request is escaped (render::html::format).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/ask_evidence.h"
#include "core/food.h"
#include "core/kb.h"
#include "store/ask_index.h"

namespace willis::http {

/// The evidence and food data `willis serve` loaded (app/evidence_source). Not owned: they
/// outlive the server. Absent (nullptr) when the binary was built without them: the pages then
/// say so instead of failing.
struct EvidenceData {
  const core::EvidenceSet* evidence = nullptr;
  const store::AskIndex* ask = nullptr;
  const core::FoodTable* foods = nullptr;
  const store::FoodIndex* food_index = nullptr;
  bool ready() const { return evidence && ask && foods && food_index; }
};

/// GET /evidence?topic=&article=&verdict=: the claims, filtered (empty = all).
struct ClaimFilter {
  std::string topic, article, verdict;
};
std::string evidence_body(const EvidenceData& data, const ClaimFilter& filter);

/// GET /sources: every source, how it was verified, and what cites it.
std::string sources_body(const core::Kb& kb, const EvidenceData& data);

/// GET /conflicts: where sources disagree, and what willis applies.
std::string conflicts_body(const EvidenceData& data);

/// GET /ask?q=: the best KB entries for the question, or "no good match". The index is one SQLite
/// connection: `index_mutex` serialises the queries of the server's threads.
std::string ask_body(const core::Kb& kb, const EvidenceData& data, const std::string& question,
                     std::mutex& index_mutex);

/// One food of the picker's list: a food, a portion (SR28 sequence number; 0 = 100 g) and how
/// many a day. In the address as item=NDB:SEQ:SERVINGS, so the list survives each search.
struct PickedFood {
  std::string ndb_no;
  int portion_seq = 0;
  double servings = 1;
};
/// Reads every item=… (at most 40; bad ones are reported, not dropped silently).
std::vector<PickedFood> picked_foods(const std::vector<std::string>& items,
                                     std::vector<std::string>& problems);

/// GET /foods?q=&item=…&add=…: search SR28, build a day's list, estimate its magnesium and offer
/// to copy the total into the profile (GET /profile?diet=N fills the field; the person saves).
std::string foods_body(const EvidenceData& data, const std::string& words,
                       const std::vector<PickedFood>& picked,
                       const std::vector<std::string>& problems, std::mutex& index_mutex);

}  // namespace willis::http
