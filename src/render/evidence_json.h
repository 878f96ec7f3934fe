// src/render/evidence_json.h: the JSON shapes of `willis claims|sources|conflicts|ask`.
#pragma once

#include <string>
#include <vector>

#include "core/ask.h"
#include "core/ask_evidence.h"
#include "core/kb.h"

namespace willis::render {

/// {"claims": [{id, article, topic, claim, verdict, explanation, sources}]}
std::string claims_json(const std::vector<const core::Claim*>& claims, bool pretty = true);

/// {"sources": [{id, title, publisher, year, url, doi, pmid, verification, verified_how,
/// cited_by}]}
std::string sources_json(const core::Kb& kb, const core::EvidenceSet& evidence, bool pretty = true);

/// {"conflicts": [{id, topic, title, summary, positions: [{authority, date, strength, says, ref,
/// applied, sources}], applies, sources}]}
std::string conflicts_json(const std::vector<const core::Conflict*>& conflicts, bool pretty = true);

/// {"question", "matched", "answers": [{kb_id, kind, title, text, sources, score}], and when
/// nothing matched well "no_match": {title, detail, ask_pharmacist, sources}}
std::string ask_json(const core::AskResult& result, const core::AskSettings& settings,
                     bool pretty = true);

}  // namespace willis::render
