// src/codec/fhir/labs_builtin.cc: the lab table for callers without a KB (see labs.h). It must
// say what kb/labs.yaml says (labs_test.cc checks); sources: kb/labs.yaml.
#include <array>

#include "codec/fhir/labs.h"
#include "codec/fhir/text.h"

namespace willis::codec {

namespace {

struct LoincEntry {
  std::string_view code;
  LabKind kind;
};
constexpr std::array<LoincEntry, 19> kLoincCodes = {{
    {"2276-4", LabKind::ferritin},
    {"2502-3", LabKind::tsat},
    {"98979-8", LabKind::egfr},
    {"98980-6", LabKind::egfr},
    {"62238-1", LabKind::egfr},
    {"33914-3", LabKind::egfr},
    {"48642-3", LabKind::egfr},
    {"48643-1", LabKind::egfr},
    {"50044-7", LabKind::egfr},
    {"70969-1", LabKind::egfr},
    {"88293-6", LabKind::egfr},
    {"88294-4", LabKind::egfr},
    {"50210-4", LabKind::egfr},
    {"50384-7", LabKind::egfr},
    {"69405-9", LabKind::egfr},
    {"77147-7", LabKind::egfr},
    {"19123-9", LabKind::magnesium},
    {"2601-3", LabKind::magnesium},
    {"82810-3", LabKind::pregnancy_status},
}};

}  // namespace

LabKind lab_kind_of_loinc(std::string_view code) {
  for (const auto& entry : kLoincCodes)
    if (entry.code == code) return entry.kind;
  return LabKind::none;
}

std::vector<std::string_view> loinc_codes_read() {
  std::vector<std::string_view> codes;
  for (const auto& entry : kLoincCodes) codes.push_back(entry.code);
  return codes;
}

std::optional<double> lab_value_in_profile_unit(LabKind kind, double value, std::string_view unit) {
  const std::string u = fhir::unit_key(unit);
  switch (kind) {
    case LabKind::ferritin:
      if (u == "ng/ml" || u == "ug/l" || u == "mcg/l") return value;
      return std::nullopt;
    case LabKind::tsat:
      if (u == "%") return value;
      return std::nullopt;
    case LabKind::egfr:
      if (u.rfind("ml/min", 0) == 0) return value;
      return std::nullopt;
    case LabKind::magnesium:  // kb/labs.yaml magnesium (ciaaw-mg, lab-units-computed)
      if (u == "mmol/l") return value;
      if (u == "mg/dl") return value * 10.0 / 24.305;
      if (u == "mg/l") return value / 24.305;
      if (u == "meq/l") return value / 2;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace willis::codec
