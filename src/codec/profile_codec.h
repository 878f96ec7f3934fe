// src/codec/profile_codec.h: profile text (YAML or JSON, same keys) -> core::Profile. Strict:
// unknown keys, bad times, negative amounts and impossible values are errors naming the field.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "core/profile.h"
#include "core/result.h"

namespace willis::codec {

/// Parses a profile document.
///
///     auto profile = codec::parse_profile(text, "my-profile.yaml");
///     if (!profile.ok()) print("willis: error: {}:{}: {}: {}", file, line, path, message);
///
/// Errors: parse_error, unknown_field, missing_field (age), invalid_type, invalid_value,
/// invalid_time, invalid_amount — the first one found, with its path ("medicines[1].times[0]").
core::Result<core::Profile> parse_profile(std::string_view text, const std::string& source_name);

/// The same, from an already parsed node (the vector runner embeds profiles in its files).
core::Result<core::Profile> profile_from_node(const YAML::Node& node,
                                              const std::string& source_name);

/// "10 ml", "2 tablets", "400mg" -> Quantity; nullopt when unreadable.
std::optional<core::Quantity> parse_quantity(std::string_view text);

}  // namespace willis::codec
