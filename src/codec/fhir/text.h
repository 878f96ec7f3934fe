// src/codec/fhir/text.h: small text helpers of the FHIR mapper (case, units, note wording).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock_time.h"

namespace willis::codec::fhir {

std::string lower(std::string_view text);
std::string trim_copy(std::string_view text);
/// The whole text as a decimal integer; nullopt otherwise.
std::optional<long> to_long(std::string_view text);
/// A UCUM unit compared loosely: lower case, no spaces, micro sign as "u".
std::string unit_key(std::string_view unit);
std::string join(const std::vector<std::string>& items, std::string_view sep);
/// "08:00, 20:00".
std::string times_text(const std::vector<core::ClockTime>& times);
/// "1 dose", "3 doses".
std::string plural(int count, std::string_view one, std::string_view many);

}  // namespace willis::codec::fhir
