// src/codec/fhir/terms.cc: the KB's codes indexed for FHIR (RxNorm, ATC, SNOMED CT), and the
// extra SNOMED CT codes for chronic kidney disease stages.
#include <algorithm>
#include <array>

#include "codec/fhir/mapper.h"
#include "codec/rxnorm_table.h"

namespace willis::codec {

using fhir_detail::Part;

namespace {

// SNOMED CT codes for chronic kidney disease stages that kb/conditions.yaml does not list, from the
// public "Chronic Kidney Diseases" value set (hl7germany/forschungsnetz-covid19) and CKD 3A/3B
// problem-list codes. Applied only when the KB does not map the code itself and has the target.
struct SnomedExtra {
  std::string_view code;
  std::string_view condition;
};
constexpr std::array<SnomedExtra, 5> kSnomedExtras = {{
    {"709044004", "chronic-kidney-disease"},   // Chronic kidney disease (disorder)
    {"700378005", "chronic-kidney-disease"},   // Chronic kidney disease stage 3A
    {"700379002", "chronic-kidney-disease"},   // Chronic kidney disease stage 3B
    {"433146000", "severe-renal-impairment"},  // Chronic kidney disease stage 5
    {"714152005", "severe-renal-impairment"},  // Chronic kidney disease stage 5 on dialysis
}};

}  // namespace

std::vector<std::string> snomed_codes_of_condition(const core::Kb& kb,
                                                   std::string_view condition_id) {
  std::vector<std::string> codes;
  const core::Condition* condition = kb.condition(std::string(condition_id));
  if (!condition) return codes;
  codes = condition->snomed;
  for (const auto& extra : kSnomedExtras)
    if (extra.condition == condition_id &&
        std::find(codes.begin(), codes.end(), extra.code) == codes.end()) {
      // The mapper applies an extra only when no KB condition already lists the code.
      bool listed_elsewhere = false;
      for (const auto& other : kb.conditions)
        listed_elsewhere = listed_elsewhere || std::find(other.snomed.begin(), other.snomed.end(),
                                                         extra.code) != other.snomed.end();
      if (!listed_elsewhere) codes.emplace_back(extra.code);
    }
  return codes;
}

FhirTerms::FhirTerms(const core::Kb& kb, const core::NameIndex& names)
    : kb_(kb), names_(names), tables_(std::make_unique<Tables>()) {
  auto& t = *tables_;
  for (const auto& med : kb.medicines)
    for (const long code : med.rxnorm)
      t.rx_kb.emplace(code, Part{Part::medicine, med.id, med.name, ""});
  for (const auto& form : kb.forms)
    for (const long code : form.rxnorm)
      t.rx_kb.emplace(code, Part{Part::form, form.id, form.name, ""});
  for (auto& [code, part] : t.rx_kb)
    part.rx_name = std::string(rxnorm::ingredient_name(code).value_or(""));
  for (const auto& med : kb.medicines)
    for (const auto& code : med.atc)
      t.atc_kb.emplace(code, Part{Part::medicine, med.id, med.name, ""});
  for (const auto& form : kb.forms)
    for (const auto& code : form.atc)
      t.atc_kb.emplace(code, Part{Part::form, form.id, form.name, ""});
  for (const auto& condition : kb.conditions)
    for (const auto& code : condition.snomed) t.snomed_kb.emplace(code, condition.id);
  for (const auto& extra : kSnomedExtras)
    if (kb.condition(std::string(extra.condition)))
      t.snomed_kb.emplace(std::string(extra.code), std::string(extra.condition));
}

FhirTerms::~FhirTerms() = default;

}  // namespace willis::codec
