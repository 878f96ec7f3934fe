#include "core/clock_time.h"

#include <cstdio>

namespace willis::core {

std::string ClockTime::str() const {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
  return text;
}

std::optional<ClockTime> parse_clock_time(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3)
    return std::nullopt;
  int hours = 0;
  for (std::size_t char_idx = 0; char_idx < colon; ++char_idx) {
    if (text[char_idx] < '0' || text[char_idx] > '9') return std::nullopt;
    hours = hours * 10 + (text[char_idx] - '0');
  }
  const char tens = text[colon + 1], units = text[colon + 2];
  if (tens < '0' || tens > '5' || units < '0' || units > '9') return std::nullopt;
  if (hours > 23) return std::nullopt;
  return ClockTime{hours * 60 + (tens - '0') * 10 + (units - '0')};
}

int minutes_forward(ClockTime from, ClockTime to) {
  return ((to.minutes - from.minutes) % kMinutesPerDay + kMinutesPerDay) % kMinutesPerDay;
}

int signed_minutes(ClockTime from, ClockTime to) {
  const int forward = minutes_forward(from, to);
  return forward >= kMinutesPerDay / 2 ? forward - kMinutesPerDay : forward;
}

}  // namespace willis::core
