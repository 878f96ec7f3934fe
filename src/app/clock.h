// src/app/clock.h: the one clock. "Now" for timestamps and "today" (the local date) for every
// command and for the server. Only this adapter reads the system clock and WILLIS_TODAY; the
// core, codecs, store and http take time as a value or as a function the composition passes in.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/date.h"
#include "core/result.h"

namespace willis::app {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using NowFn = std::function<TimePoint()>;
  /// How an instant reads as a date on the local calendar.
  using LocalDateFn = std::function<core::CalendarDate(TimePoint)>;

  /// The system clock, with local dates from the process time zone (TZ) and the WILLIS_TODAY
  /// override. What every command and the server use.
  static const Clock& system();

  /// A clock that reads `now` and turns instants into local dates with `local_date` (the process
  /// time zone when empty). WILLIS_TODAY is not consulted: tests inject exactly the day they mean.
  explicit Clock(NowFn now, LocalDateFn local_date = {});

  TimePoint now() const { return now_(); }
  /// Seconds since 1970-01-01T00:00:00Z.
  std::int64_t unix_seconds() const;
  /// Today's local date. For the system clock WILLIS_TODAY=YYYY-MM-DD overrides it, for
  /// reproducible examples and tests.
  /// Errors: invalid_value with path "WILLIS_TODAY" when the variable is set but not a date.
  core::Result<core::CalendarDate> today() const;
  /// `text` as YYYY-MM-DD when it is not empty, else today(). Errors name `flag` ("--as-of").
  core::Result<core::CalendarDate> date_or_today(const std::string& flag,
                                                 const std::string& text) const;
  /// now() in UTC as "2026-11-20T12:00:00Z" (ISO 8601), for stored timestamps.
  std::string utc_timestamp() const;
  /// now() in UTC as "20261120T120000Z" (iCalendar DATE-TIME, RFC 5545 §3.3.5), for DTSTAMP.
  std::string utc_ical() const;

 private:
  NowFn now_;
  LocalDateFn local_date_;
  bool honour_env_ = false;
};

/// The date `when` falls on in the process time zone (localtime_r, TZ).
core::CalendarDate local_date(Clock::TimePoint when);

}  // namespace willis::app
