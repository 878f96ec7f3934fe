// src/codec/evidence_yaml.h: evidence/*.yaml (claims, conflicts, ask settings) ->
// core::EvidenceSet, checked against a loaded KB (their JSON shapes: render/evidence_json.h).
// Strict like the KB loader: unknown files and fields are refused, every cited source must exist in
// the KB, and every {placeholder} of a conflict must be fillable from the KB entry it names.
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

}  // namespace willis::codec
