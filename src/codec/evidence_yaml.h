// src/codec/evidence_yaml.h: evidence/*.yaml (claims, conflicts, ask settings) ->
// core::EvidenceSet, checked against a loaded KB; and the JSON shapes of `willis
// claims|sources|conflicts|ask`. Strict like the KB loader: unknown files and fields are refused,
// every cited source must exist in the KB, and every {placeholder} of a conflict must be fillable
// from the KB entry it names.
#pragma once

#include <string>
#include <vector>

#include "codec/kb_yaml.h"
#include "core/ask.h"
#include "core/ask_evidence.h"
#include "core/kb.h"

namespace willis::codec {

/// The files of evidence/, by name: claims.yaml, conflicts.yaml, ask.yaml (all three required).
struct EvidenceLoad {
  core::EvidenceSet evidence;
  std::vector<core::Error> errors;  ///< file:line: path: message, every problem found
};

/// Parses and checks the evidence files against `kb`.
///
///     auto load = codec::load_evidence(files, kb);
///     if (!load.errors.empty()) { /* report each; do not use load.evidence */ }
///
/// Errors: parse_error (not YAML), unknown_field, missing_field, invalid_type, invalid_value
/// (bad topic/verdict, an unfillable placeholder), invalid_kb (unknown source id, a ref that names
/// no KB entry, duplicate id, a seed claim filed under another article), io_error (unknown or
/// missing file).
EvidenceLoad load_evidence(const std::vector<KbFile>& files, const core::Kb& kb);

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

}  // namespace willis::codec
