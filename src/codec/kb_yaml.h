// src/codec/kb_yaml.h: kb/*.yaml text -> core::Kb, refusing anything it does not understand.
#pragma once

#include <string>
#include <vector>

#include "core/kb.h"
#include "core/result.h"

namespace willis::codec {

/// One KB file's name ("salts.yaml") and text.
struct KbFile {
  std::string name;
  std::string text;
};

/// A loaded KB and every problem found (empty = usable).
struct KbLoad {
  core::Kb kb;
  std::vector<core::Error> errors;
};

/// Parses every file, then runs core::check_kb. Never throws.
///
///     auto load = codec::load_kb(files);
///     if (!load.errors.empty()) { /* print file:line: path: message for each */ }
///
/// Errors: parse_error (not YAML), unknown_field, missing_field, invalid_type, invalid_value,
/// invalid_kb (unknown source/medicine/class id, formula mismatch, duplicate id, no citation).
KbLoad load_kb(const std::vector<KbFile>& files);

}  // namespace willis::codec
