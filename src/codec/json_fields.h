// src/codec/json_fields.h: reading members of a parsed simdjson DOM element, absent-tolerant.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string_view>

namespace willis::codec {

/// The string member `key` of `e`; "" when absent or not a string.
inline std::string_view str(const simdjson::dom::element& e, const char* key) {
  std::string_view value;
  if (e[key].get(value)) return {};
  return value;
}

/// The member `key` of `e`, or nullopt when absent.
inline std::optional<simdjson::dom::element> child(const simdjson::dom::element& e,
                                                   const char* key) {
  simdjson::dom::element value;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

}  // namespace willis::codec
