// src/app/clock.cc: see clock.h. The only place willis reads the wall clock.
#include "app/clock.h"

#include <cstdlib>
#include <ctime>

namespace willis::app {
namespace {

std::tm utc_parts(Clock::TimePoint when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts;
}

std::string format_utc(Clock::TimePoint when, const char* format) {
  const std::tm parts = utc_parts(when);
  char text[32];
  std::strftime(text, sizeof text, format, &parts);
  return text;
}

}  // namespace

core::CalendarDate local_date(Clock::TimePoint when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  localtime_r(&seconds, &parts);
  return core::CalendarDate{parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday};
}

const Clock& Clock::system() {
  static const Clock clock = [] {
    Clock system_clock([] { return std::chrono::system_clock::now(); });
    system_clock.honour_env_ = true;
    return system_clock;
  }();
  return clock;
}

Clock::Clock(NowFn now, LocalDateFn local_date_fn)
    : now_(std::move(now)),
      local_date_(local_date_fn ? std::move(local_date_fn) : LocalDateFn(local_date)) {}

std::int64_t Clock::unix_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

core::Result<core::CalendarDate> Clock::today() const {
  if (const char* fixed = honour_env_ ? std::getenv("WILLIS_TODAY") : nullptr; fixed && *fixed) {
    if (const auto date = core::parse_date(fixed)) return *date;
    return core::Error(core::Errc::invalid_value, "WILLIS_TODAY",
                       "\"" + std::string(fixed) + "\" is not a date; use YYYY-MM-DD or unset it");
  }
  return local_date_(now());
}

core::Result<core::CalendarDate> Clock::date_or_today(const std::string& flag,
                                                      const std::string& text) const {
  if (text.empty()) return today();
  if (const auto date = core::parse_date(text)) return *date;
  return core::Error(core::Errc::invalid_value, flag,
                     "\"" + text + "\" is not a date (use YYYY-MM-DD, e.g. 2026-11-22)");
}

std::string Clock::utc_timestamp() const {
  return format_utc(now(), "%Y-%m-%dT%H:%M:%SZ");
}

std::string Clock::utc_ical() const {
  return format_utc(now(), "%Y%m%dT%H%M%SZ");
}

}  // namespace willis::app
