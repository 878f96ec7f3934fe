// src/core/clock_time.h: times of day on a 24 h clock that wraps at midnight.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace willis::core {

/// A time of day in whole minutes after midnight, 0..1439.
struct ClockTime {
  int minutes = 0;
  auto operator<=>(const ClockTime&) const = default;
  /// "HH:MM", zero-padded.
  std::string str() const;
};

constexpr int kMinutesPerDay = 24 * 60;

/// Parses "HH:MM" (also "H:MM"), 00:00-23:59; nullopt for anything else ("25:00", "7pm").
std::optional<ClockTime> parse_clock_time(std::string_view text);

/// Minutes from `from` forward to `to`, wrapping at midnight: 0..1439.
int minutes_forward(ClockTime from, ClockTime to);

/// Signed shortest distance on the clock from `from` to `to`: -720..719.
int signed_minutes(ClockTime from, ClockTime to);

}  // namespace willis::core
