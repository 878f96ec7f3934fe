// src/app/clock.cc: see clock.h.
#include "app/clock.h"

#include <cstdlib>
#include <ctime>

namespace willis::app {

core::Result<core::CalendarDate> local_today() {
  if (const char* fixed = std::getenv("WILLIS_TODAY"); fixed && *fixed) {
    if (const auto date = core::parse_date(fixed)) return *date;
    return core::Error(core::Errc::invalid_value, "WILLIS_TODAY",
                       "\"" + std::string(fixed) + "\" is not a date; use YYYY-MM-DD or unset it");
  }
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  localtime_r(&now, &parts);
  return core::CalendarDate{parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday};
}

core::Result<core::CalendarDate> date_or_today(const std::string& flag, const std::string& text) {
  if (text.empty()) return local_today();
  if (const auto date = core::parse_date(text)) return *date;
  return core::Error(core::Errc::invalid_value, flag, "\"" + text + "\" is not a date (use YYYY-MM-DD, e.g. 2026-11-22)");
}

}  // namespace willis::app
