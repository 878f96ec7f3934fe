#include "core/trial_detail.h"

#include <algorithm>
#include <cstdio>

namespace willis::core::trial_detail {

DayIndex index_entries(const std::vector<DiaryEntry>& entries) {
  DayIndex by_day;
  for (const auto& entry : entries) by_day[entry.date.serial()] = &entry;
  return by_day;
}

bool has_outcome(const DiaryEntry& entry, TrialOutcome outcome) {
  switch (outcome) {
    case TrialOutcome::rls_severity:
      return entry.rls.has_value();
    case TrialOutcome::sleep_onset:
      return entry.sol_min.has_value();
    case TrialOutcome::sleep_quality:
      return entry.sleep_quality.has_value();
    case TrialOutcome::sleep_efficiency: {
      const auto tib = time_in_bed_min(entry);
      return tib && *tib > 0 && total_sleep_min(entry).has_value();
    }
  }
  return false;
}

int elapsed_end(const Phase& phase, int today, const DayIndex& by_day) {
  const int end = phase.end.serial();
  int elapsed = std::min(end, today);
  if (today >= phase.start.serial() && today < end && by_day.count(today)) elapsed = today + 1;
  return std::max(elapsed, phase.start.serial());
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string plural(int count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace willis::core::trial_detail
