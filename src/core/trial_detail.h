// src/core/trial_detail.h: internals shared by the trial_*.cc files (not part of the trial API):
// the diary indexed by day, which days of a phase have happened, the sentence helpers, and the
// notes step of evaluate_trial.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/trial.h"

namespace willis::core::trial_detail {

/// Entries by date serial, for O(log n) lookups; the last entry of a date wins.
using DayIndex = std::map<int, const DiaryEntry*>;
DayIndex index_entries(const std::vector<DiaryEntry>& entries);

/// True when the entry holds the trial's primary outcome.
bool has_outcome(const DiaryEntry& entry, TrialOutcome outcome);

/// End (exclusive) of the part of a phase that has happened: days before today, plus today
/// when it already has an entry.
int elapsed_end(const Phase& phase, int today, const DayIndex& by_day);

double mean(const std::vector<double>& values);
std::string fixed(double value, int decimals);
std::string plural(int count, const char* one, const char* many);

/// ABAB: the magnesium windows that were not better than the phase before them.
struct Replication {
  std::vector<std::string> failures;
  bool second_pair_analysed = false;
};

/// Appends the notes of a judged trial: what the verdict means, what the trial cannot separate,
/// adherence, side effects, and what to do next.
void add_trial_notes(const TrialPlan& plan, const TrialOptions& options,
                     const Replication& replication, CalendarDate last_day, TrialResult& result);

}  // namespace willis::core::trial_detail
