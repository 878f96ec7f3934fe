// src/codec/fhir/conditions.cc: Condition resources -> profile conditions (by SNOMED CT code,
// else by name; what is not identified goes to the engine by its words).
#include <set>

#include "codec/fhir/mapper.h"

namespace willis::codec {

using namespace fhir;

namespace {

std::string first_code(const element& r, const char* key) {
  if (auto cc = child(r, key)) {
    const Concept c = concept_of(*cc);
    return c.codings.empty() ? c.text : c.codings.front().code;
  }
  return {};
}

/// "Restless legs syndrome (disorder)" -> "Restless legs syndrome": no SNOMED semantic tag.
void drop_semantic_tag(std::string& name) {
  if (const auto paren = name.rfind(" (");
      paren != std::string::npos && !name.empty() && name.back() == ')')
    name.resize(paren);
}

/// The words of a Condition willis did not identify, for the engine to report.
std::string unidentified_name(const Concept& code) {
  std::string name = code.text;
  for (const auto& coding : code.codings)
    if (name.empty()) name = coding.display;
  drop_semantic_tag(name);
  if (name.empty())
    for (const auto& coding : code.codings)
      if (name.empty() && !coding.code.empty()) name = "condition code " + coding.code;
  if (name.empty()) name = "a Condition with no code or text";
  return name;
}

}  // namespace

/// The KB condition id of a Condition's code: by SNOMED CT, else by name; "" when neither.
std::string FhirMapper::Impl::condition_id(const Concept& code) const {
  for (const auto& coding : code.codings)
    if (coding.system == kSnomedSystem)
      if (auto found = tables.snomed_kb.find(coding.code); found != tables.snomed_kb.end())
        return found->second;
  std::vector<std::string> candidates{code.text};
  for (const auto& coding : code.codings) candidates.push_back(coding.display);
  for (auto name : candidates) {
    drop_semantic_tag(name);
    if (name.empty()) continue;
    if (auto found = names.condition(name)) return *found;
  }
  return {};
}

void FhirMapper::Impl::read_condition(const element& r) {
  const std::string clinical = first_code(r, "clinicalStatus");
  const std::string verification = first_code(r, "verificationStatus");
  // No clinicalStatus is read as active (conservative); refuted and entered-in-error never count.
  if (verification == "refuted" || verification == "entered-in-error") {
    ++cond_inactive[verification];
    return;
  }
  if (!clinical.empty() && clinical != "active" && clinical != "recurrence" &&
      clinical != "relapse") {
    ++cond_inactive[clinical];
    return;
  }
  Concept code;
  if (auto cc = child(r, "code")) code = concept_of(*cc);
  const std::string id = condition_id(code);
  if (id.empty()) {
    // Not identified: its words go to the engine, which reports it as unrecognised (and treats
    // kidney words as kidney disease of unknown stage) exactly as for a typed profile.
    ++cond_outside;
    conditions.push_back({unidentified_name(code), subject_of(r)});
    return;
  }
  conditions.push_back({id, subject_of(r)});
}

// Conditions, once each.
void FhirMapper::Impl::map_conditions(FhirProfile& out) {
  std::set<std::string> seen;
  for (const auto& cond : conditions) {
    if (!is_patient(cond.subject)) {
      ++other_subject;
      continue;
    }
    if (seen.insert(cond.id).second) out.profile.conditions.push_back(cond.id);
  }
}

}  // namespace willis::codec
