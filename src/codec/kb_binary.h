// src/codec/kb_binary.h: a loaded, checked KB as a compact binary image, made at build time by
// willis_kbc so that start-up does not parse YAML (YAML parsing took ~90 ms; this takes well under
// 1 ms).
#pragma once

#include <string>
#include <string_view>

#include "core/kb.h"
#include "core/result.h"

namespace willis::codec {

/// The image of a KB that codec::load_kb accepted (salts' computed fractions included).
std::string kb_to_binary(const core::Kb& kb);

/// Reads an image written by kb_to_binary of the same willis version.
/// Errors: invalid_kb when the image is truncated or from another format version.
core::Result<core::Kb> kb_from_binary(std::string_view image);

}  // namespace willis::codec
