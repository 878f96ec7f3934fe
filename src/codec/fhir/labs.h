// src/codec/fhir/labs.h: the labs willis reads from FHIR Observations, by LOINC code, and their
// units. The codes and conversions are kb/labs.yaml (core::Kb::labs).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/kb.h"

namespace willis::codec {

/// LOINC codes willis reads, by what they measure (kb/labs.yaml ids).
enum class LabKind { none, ferritin, tsat, egfr, magnesium, pregnancy_status };

/// The kb/labs.yaml id of a kind ("egfr"); "" for none.
std::string_view lab_id(LabKind kind);

/// The kind a LOINC code measures in `kb`; none when the KB lists it for no lab.
LabKind lab_kind_of_loinc(const core::Kb& kb, std::string_view code);
/// Every LOINC code of kb/labs.yaml, in file order (for prefetch queries).
std::vector<std::string_view> loinc_codes_read(const core::Kb& kb);
/// A lab value in the unit the Profile uses, by the units of kb/labs.yaml (case, spaces and the
/// micro sign ignored); nullopt when the KB lists no such unit for the lab.
std::optional<double> lab_value_in_profile_unit(const core::Kb& kb, LabKind kind, double value,
                                                std::string_view unit);

}  // namespace willis::codec
