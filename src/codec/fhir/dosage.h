// src/codec/fhir/dosage.h: FHIR Dosage -> dose times. FHIR timing codes have no clock times: the
// times willis assumes for them are reported ("times assumed ...").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codec/fhir/json.h"
#include "core/clock_time.h"
#include "core/profile.h"

namespace willis::codec::fhir {

/// One Dosage as read, before any time is assumed.
struct Dosage {
  std::vector<core::ClockTime> time_of_day;
  std::vector<std::string> when;
  std::optional<int> offset;
  std::optional<double> frequency, period;
  std::string unreadable;  // why the timing cannot be used ("" when it can)
  std::string period_unit, code;
  bool as_needed = false;
  std::optional<core::Quantity> dose;
};

/// The dose times of a medicine's dosages, with how assumed times were made.
struct Timing {
  std::vector<core::ClockTime> times;
  std::optional<int> per_day;
  std::vector<std::string> assumed;  // how assumed times were made, for the note
  bool as_needed = false;
};

Dosage read_dosage(const element& dosage);
Timing timing_of(const std::vector<Dosage>& dosages);

/// How many units (tablets, capsules) a dose is; nullopt when the dose is in another unit.
std::optional<double> unit_count(const std::optional<core::Quantity>& dose);

}  // namespace willis::codec::fhir
