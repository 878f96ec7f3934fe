// src/core/date.h: the one calendar: a calendar date on std::chrono (year_month_day, sys_days),
// the ISO "YYYY-MM-DD" form willis reads and writes, and the one FHIR date/dateTime parser.
// Pure: no clock ("today" comes from app::Clock).
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace willis::core {

/// A day of the proleptic Gregorian calendar.
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
  std::chrono::sys_days sys_days() const;
  static CalendarDate from(std::chrono::year_month_day ymd);
};

/// Parses exactly "YYYY-MM-DD" (a real date, year 1900-2999); nullopt otherwise.
std::optional<CalendarDate> parse_date(std::string_view text);
CalendarDate add_days(CalendarDate date, int days);
/// `to` minus `from`, in days.
int days_between(CalendarDate from, CalendarDate to);
/// Days in `month` (1..12) of `year`.
int days_in_month(int year, int month);
/// `date` minus `months` calendar months, the day clamped to the month's end
/// (29 Feb - 12 months = 28 Feb).
CalendarDate minus_months(CalendarDate date, int months);
/// ISO weekday: 1 = Monday .. 7 = Sunday.
int iso_weekday(CalendarDate date);

/// A FHIR `date` (YYYY, YYYY-MM or YYYY-MM-DD): the fields it gives, the rest 1.
struct FhirDate {
  int year = 1;
  int month = 1;
  int day = 1;
  int precision = 1;  ///< 1 = year, 2 = month, 3 = day
  /// The first day it can mean ("2024-03" -> 2024-03-01).
  CalendarDate first_day() const { return {year, month, day}; }
  /// The last day it can mean ("2024-03" -> 2024-03-31, "2024" -> 2024-12-31).
  CalendarDate last_day() const;
};

/// A FHIR `date`, exactly as the FHIR R4 regex allows:
/// `([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?`
/// and a real day of the month. nullopt for anything else ("2024x", "2024-02-30", "").
std::optional<FhirDate> parse_fhir_date(std::string_view text);

/// A FHIR `dateTime` or `instant`: a date, or a full date with a time.
struct FhirDateTime {
  FhirDate date;  ///< the date as written (the local date where a time and zone follow)
  /// Seconds since 1970-01-01T00:00:00Z: the time in UTC, or the start of `date` (as UTC) when
  /// no time is given.
  std::int64_t utc_seconds = 0;
  bool has_time = false;
};

/// A FHIR R4 `dateTime`: a FHIR date, or YYYY-MM-DDThh:mm:ss[.fraction] followed by a zone
/// (Z or +hh:mm / -hh:mm, mandatory with a time). An `instant` is the second form. nullopt for
/// anything else.
std::optional<FhirDateTime> parse_fhir_datetime(std::string_view text);

}  // namespace willis::core
