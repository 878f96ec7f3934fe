// src/core/date.h: a calendar date, for "today", lab dates and diary nights. Pure.
// (Defined in diary_entry.cc for now, where the diary first needed it.)
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace willis::core {

/// A day of the proleptic Gregorian calendar, 1900-01-01 .. 2999-12-31.
struct CalendarDate {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..31
  auto operator<=>(const CalendarDate&) const = default;
  /// "YYYY-MM-DD".
  std::string str() const;
  /// Days since 1970-01-01 (negative before it).
  int serial() const;
  static CalendarDate from_serial(int days);
};

/// Parses exactly "YYYY-MM-DD" (a real date, year 1900-2999); nullopt otherwise.
std::optional<CalendarDate> parse_date(std::string_view text);
CalendarDate add_days(CalendarDate date, int days);
/// `to` minus `from`, in days.
int days_between(CalendarDate from, CalendarDate to);

}  // namespace willis::core
