// src/app/assess_input.cc: parse -> assess for every input format. Decides nothing clinical.
#include "app/assess_input.h"

#include <optional>
#include <utility>

#include "codec/profile_codec.h"
#include "core/assess.h"

namespace willis::app {

namespace {

// FHIR R4 input (issue 5; docs/fhir.md): the mapping is pure (codec/fhir_profile.h); only
// "today" comes from the caller's clock.
core::Result<core::Assessment> assess_fhir(const core::Kb& kb, const std::string& text,
                                           const std::string& name, const TodayFn& today) {
  const auto date = today();
  if (!date.ok()) return date.error();
  const core::NameIndex names(kb);
  const codec::FhirTerms terms(kb, names);
  auto mapped = codec::parse_fhir_profile(text, name, terms, {date.value(), std::nullopt});
  if (!mapped.ok()) return mapped.error();
  return assess_fhir_profile(kb, names, mapped.value());
}

}  // namespace

core::Assessment assess_fhir_profile(const core::Kb& kb, const core::NameIndex& names,
                                     const codec::FhirProfile& mapped) {
  core::Assessment assessment = core::assess(kb, names, mapped.profile);
  assessment.notes.insert(assessment.notes.end(), mapped.notes.begin(), mapped.notes.end());
  return assessment;
}

core::Result<core::Assessment> assess_input(const core::Kb& kb, const std::string& text,
                                            const std::string& name, const TodayFn& today) {
  if (codec::looks_like_fhir(text)) return assess_fhir(kb, text, name, today);
  auto profile = codec::parse_profile(text, name);
  if (!profile.ok()) return profile.error();
  const auto date = today();
  if (!date.ok()) return date.error();
  profile.value().as_of = date.value();  // lab dates are judged against this day
  return core::assess(kb, profile.value());
}

}  // namespace willis::app
