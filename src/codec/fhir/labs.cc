// src/codec/fhir/labs.cc: LOINC codes and lab units from kb/labs.yaml.
#include "codec/fhir/labs.h"

#include <array>

#include "codec/fhir/text.h"

namespace willis::codec {

namespace {

constexpr std::array<std::pair<LabKind, std::string_view>, 5> kLabIds = {{
    {LabKind::ferritin, "ferritin"},
    {LabKind::tsat, "tsat"},
    {LabKind::egfr, "egfr"},
    {LabKind::magnesium, "magnesium"},
    {LabKind::pregnancy_status, "pregnancy_status"},
}};

LabKind kind_of_id(std::string_view id) {
  for (const auto& [kind, name] : kLabIds)
    if (name == id) return kind;
  return LabKind::none;
}

}  // namespace

std::string_view lab_id(LabKind kind) {
  for (const auto& [each, name] : kLabIds)
    if (each == kind) return name;
  return {};
}

LabKind lab_kind_of_loinc(const core::Kb& kb, std::string_view code) {
  for (const auto& lab : kb.labs)
    for (const auto& each : lab.loinc)
      if (each == code) return kind_of_id(lab.id);
  return LabKind::none;
}

std::vector<std::string_view> loinc_codes_read(const core::Kb& kb) {
  std::vector<std::string_view> codes;
  for (const auto& lab : kb.labs)
    for (const auto& code : lab.loinc) codes.emplace_back(code);
  return codes;
}

std::optional<double> lab_value_in_profile_unit(const core::Kb& kb, LabKind kind, double value,
                                                std::string_view unit) {
  const core::Lab* lab = kb.lab(std::string(lab_id(kind)));
  if (!lab) return std::nullopt;
  const std::string given = fhir::unit_key(unit);
  for (const auto& accepted : lab->units) {
    const std::string key = fhir::unit_key(accepted.unit);
    if (accepted.prefix ? given.rfind(key, 0) == 0 : given == key)
      return value * accepted.multiply / accepted.divide;
  }
  return std::nullopt;
}

}  // namespace willis::codec
