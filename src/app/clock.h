// src/app/clock.h: "today" for every command and for the server. Adapter: reads the clock and the
// environment, so the core and codecs never do.
#pragma once

#include <string>

#include "core/diary_entry.h"
#include "core/result.h"

namespace willis::app {

/// Today's local date. WILLIS_TODAY=YYYY-MM-DD overrides it, for reproducible examples and tests.
/// Errors: invalid_value with path "WILLIS_TODAY" when the variable is set but not a date.
core::Result<core::CalendarDate> local_today();

/// `text` as YYYY-MM-DD when it is not empty, else local_today(). Errors name `flag` ("--as-of").
core::Result<core::CalendarDate> date_or_today(const std::string& flag, const std::string& text);

}  // namespace willis::app
