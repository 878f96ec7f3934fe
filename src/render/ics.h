// src/render/ics.h: a small iCalendar (RFC 5545) writer, and the timetable as a calendar.
// Pure: the time stamp and the first date are arguments.
//
// Output rules followed: CRLF line ends (§3.1); content lines folded so that no line exceeds
// 75 octets, continuation lines starting with one space, never inside a UTF-8 character
// (§3.1); TEXT values escaped (\\ \; \, \n; §3.3.11); times are "floating" local times
// (§3.3.5 form #1), so "07:00" stays 07:00 wherever the phone is; daily repetition by
// RRULE:FREQ=DAILY (§3.3.10).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/assessment.h"
#include "core/diary_entry.h"
#include "core/profile.h"

namespace willis::render {

/// One event, repeated every day from its first date when `daily`.
struct IcsEvent {
  std::string uid;      ///< globally unique and stable, e.g. "mg-1600-1a2b3c4d@willis"
  std::string summary;  ///< the calendar entry's title
  std::string description;
  core::CalendarDate start_date;  ///< first day
  core::ClockTime start;          ///< local (floating) time
  int duration_min = 5;
  bool daily = true;
};

struct IcsCalendar {
  std::string prodid = "-//willis//willis timetable//EN";
  std::string name;     ///< X-WR-CALNAME, shown by most calendar apps
  std::string dtstamp;  ///< when the file was made, UTC "YYYYMMDDTHHMMSSZ"
  std::vector<IcsEvent> events;
};

/// Escapes a TEXT value: backslash, semicolon and comma get a backslash, a line break becomes
/// "\n"; CR and other control characters except TAB are dropped.
std::string ics_escape_text(std::string_view text);

/// One content line, folded at 75 octets (not splitting UTF-8 characters), each physical line
/// ending in CRLF.
std::string ics_fold(std::string_view line);

/// The whole VCALENDAR text.
std::string ics_write(const IcsCalendar& calendar);

/// "20261101T070000": a floating local date-time.
std::string ics_local_datetime(core::CalendarDate date, core::ClockTime time);

/// The day's timetable as daily events: one per magnesium dose, one per listed time of each
/// medicine (with its keep-apart window in the description). Nothing clinical is decided
/// here: the doses and windows are the assessment's.
IcsCalendar timetable_calendar(const core::Assessment& assessment, const core::Profile& profile,
                               core::CalendarDate first_day, std::string dtstamp);

}  // namespace willis::render
