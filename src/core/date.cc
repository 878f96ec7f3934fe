// src/core/date.cc: see date.h. The arithmetic is std::chrono's; this file only reads and writes
// the text forms.
#include "core/date.h"

#include <algorithm>
#include <cstdio>

namespace willis::core {
namespace {

namespace chrono = std::chrono;

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

/// The `len` digits at `pos`, or nullopt when any is missing or not a digit.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t len) {
  if (pos + len > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t at = pos; at < pos + len; ++at) {
    if (!is_digit(text[at])) return std::nullopt;
    value = value * 10 + (text[at] - '0');
  }
  return value;
}

/// `text` starts with a FHIR date; `used` is set to its length.
std::optional<FhirDate> fhir_date_prefix(std::string_view text, std::size_t& used) {
  FhirDate date;
  const auto year = digits(text, 0, 4);
  if (!year || *year == 0) return std::nullopt;  // the regex allows 0001-9999
  date.year = *year;
  used = 4;
  if (text.size() == used || text[used] != '-') return date;
  const auto month = digits(text, 5, 2);
  if (!month || *month < 1 || *month > 12) return std::nullopt;
  date.month = *month;
  date.precision = 2;
  used = 7;
  if (text.size() == used || text[used] != '-') return date;
  const auto day = digits(text, 8, 2);
  if (!day || *day < 1 || *day > days_in_month(date.year, date.month)) return std::nullopt;
  date.day = *day;
  date.precision = 3;
  used = 10;
  return date;
}

}  // namespace

std::string CalendarDate::str() const {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

chrono::sys_days CalendarDate::sys_days() const {
  return chrono::sys_days(chrono::year(year) / chrono::month(static_cast<unsigned>(month)) /
                          chrono::day(static_cast<unsigned>(day)));
}

CalendarDate CalendarDate::from(chrono::year_month_day ymd) {
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

int CalendarDate::serial() const {
  return static_cast<int>(sys_days().time_since_epoch().count());
}

CalendarDate CalendarDate::from_serial(int days) {
  return from(chrono::year_month_day(chrono::sys_days(chrono::days(days))));
}

std::optional<CalendarDate> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  if (!year || !month || !day || *year < 1900 || *year > 2999 || *month < 1 || *month > 12 ||
      *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  return CalendarDate{*year, *month, *day};
}

CalendarDate add_days(CalendarDate date, int days) {
  return CalendarDate::from(chrono::year_month_day(date.sys_days() + chrono::days(days)));
}

int days_between(CalendarDate from, CalendarDate to) {
  return static_cast<int>((to.sys_days() - from.sys_days()).count());
}

int days_in_month(int year, int month) {
  const auto last = chrono::year_month_day_last(
      chrono::year(year) / chrono::month(static_cast<unsigned>(month)) / chrono::last);
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

CalendarDate minus_months(CalendarDate date, int months) {
  const auto first =
      chrono::year(date.year) / chrono::month(static_cast<unsigned>(date.month)) / chrono::day(1);
  const auto back = first - chrono::months(months);
  CalendarDate out = CalendarDate::from(back);
  out.day = std::min(date.day, days_in_month(out.year, out.month));
  return out;
}

int iso_weekday(CalendarDate date) {
  return static_cast<int>(chrono::weekday(date.sys_days()).iso_encoding());
}

CalendarDate FhirDate::last_day() const {
  if (precision >= 3) return first_day();
  const int last_month = precision == 2 ? month : 12;
  return {year, last_month, days_in_month(year, last_month)};
}

std::optional<FhirDate> parse_fhir_date(std::string_view text) {
  std::size_t used = 0;
  const auto date = fhir_date_prefix(text, used);
  if (!date || used != text.size()) return std::nullopt;
  return date;
}

std::optional<FhirDateTime> parse_fhir_datetime(std::string_view text) {
  std::size_t used = 0;
  const auto date = fhir_date_prefix(text, used);
  if (!date) return std::nullopt;
  FhirDateTime out;
  out.date = *date;
  out.utc_seconds = static_cast<std::int64_t>(date->first_day().serial()) * 86400;
  if (used == text.size()) return out;
  // A time: only after a full date, then hh:mm:ss[.fraction] and a zone.
  if (date->precision != 3 || text[used] != 'T') return std::nullopt;
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!hour || !minute || !second || text[13] != ':' || text[16] != ':' || *hour > 23 ||
      *minute > 59 || *second > 60)
    return std::nullopt;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos >= text.size()) return std::nullopt;  // a time needs its zone
  int offset_s = 0;
  if (text[pos] == 'Z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const auto zone_h = digits(text, pos + 1, 2);
    const auto zone_m = digits(text, pos + 4, 2);
    if (!zone_h || !zone_m || text[pos + 3] != ':' || *zone_m > 59 || *zone_h > 14 ||
        (*zone_h == 14 && *zone_m != 0))
      return std::nullopt;
    offset_s = (text[pos] == '+' ? 1 : -1) * (*zone_h * 3600 + *zone_m * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  out.has_time = true;
  out.utc_seconds += *hour * 3600 + *minute * 60 + *second - offset_s;
  return out;
}

}  // namespace willis::core
