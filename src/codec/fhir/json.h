// src/codec/fhir/json.h: reading FHIR JSON with simdjson. Missing or mistyped members read as
// absent (empty, nullopt), never as an error: FHIR leaves most members optional. Shared by the
// FHIR mapper and the CDS Hooks request codec.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace willis::codec::fhir {

using simdjson::dom::element;

/// A string member; "" when absent or not a string.
std::string_view str(const element& e, const char* key);
/// A member of any type; nullopt when absent.
std::optional<element> child(const element& e, const char* key);
/// A number member; nullopt when absent or not a number.
std::optional<double> number(const element& e, const char* key);
/// A boolean member; nullopt when absent or not a boolean.
std::optional<bool> boolean(const element& e, const char* key);

/// Calls `each` on every item of an array member (nothing when absent or not an array).
template <typename F>
void for_each(const element& e, const char* key, F&& each) {
  simdjson::dom::array items;
  if (e[key].get(items)) return;
  for (element item : items) each(item);
}

struct Coding {
  std::string system, code, display;
};

/// A CodeableConcept.
struct Concept {
  std::vector<Coding> codings;
  std::string text;
  /// What a person would call it: the text, else the first display, else the first code.
  std::string label() const;
  bool empty() const { return codings.empty() && text.empty(); }
};

Concept concept_of(const element& codeable_concept);

/// When an Observation was made: effectiveDateTime, effectiveInstant, the end (else the start) of
/// effectivePeriod, else `issued`; empty when none is given.
std::string_view effective_time(const element& resource);

/// The reference of `subject` (else `patient`); "" when neither is given.
std::string subject_of(const element& resource);

}  // namespace willis::codec::fhir
