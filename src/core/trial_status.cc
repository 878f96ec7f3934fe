#include <algorithm>

#include "core/trial_detail.h"

namespace willis::core {
namespace {

using trial_detail::DayIndex;
using trial_detail::plural;

/// Counts, per phase, the elapsed days with and without the primary outcome; returns the phase
/// today falls in, or null before the baseline and after the last planned day.
const Phase* count_progress(const std::vector<Phase>& phases, int today_serial,
                            const DayIndex& by_day, TrialOutcome primary, TrialStatus& status) {
  const Phase* current = nullptr;
  for (const auto& phase : phases) {
    PhaseProgress progress;
    progress.phase = phase;
    const int end = trial_detail::elapsed_end(phase, today_serial, by_day);
    for (int day = phase.start.serial(); day < end; ++day) {
      ++progress.days_elapsed;
      const auto found = by_day.find(day);
      if (found != by_day.end() && trial_detail::has_outcome(*found->second, primary))
        ++progress.days_logged;
      else
        progress.missing.push_back(CalendarDate::from_serial(day));
    }
    status.days_logged += progress.days_logged;
    status.days_missing += static_cast<int>(progress.missing.size());
    status.phases.push_back(std::move(progress));
    if (today_serial >= phase.start.serial() && today_serial < phase.end.serial()) current = &phase;
  }
  return current;
}

/// Warns about magnesium recorded in a magnesium-free phase, up to today.
void warn_magnesium_off_phase(const std::vector<Phase>& phases, int today_serial,
                              const DayIndex& by_day, TrialStatus& status) {
  int magnesium_in_baseline = 0;
  for (const auto& phase : phases) {
    if (takes_magnesium(phase.kind)) continue;
    for (int day = phase.start.serial(); day < std::min(phase.end.serial(), today_serial + 1);
         ++day) {
      const auto found = by_day.find(day);
      if (found != by_day.end() && found->second->magnesium_mg.value_or(0) > 0)
        ++magnesium_in_baseline;
    }
  }
  if (magnesium_in_baseline > 0)
    status.warnings.push_back("magnesium is recorded on " +
                              plural(magnesium_in_baseline, "day", "days") +
                              " of a magnesium-free phase; those days make the comparison weaker");
}

/// Today's instruction for the phase the person is in.
void add_phase_todo(const Phase& current, CalendarDate today, int analysed_treatment_days,
                    TrialStatus& status) {
  status.phase = to_string(current.kind);
  status.day_in_phase = days_between(current.start, today) + 1;
  status.phase_days = current.days();
  const std::string day_text =
      "day " + std::to_string(status.day_in_phase) + " of " + std::to_string(status.phase_days);
  switch (current.kind) {
    case PhaseKind::baseline:
      status.todo.push_back("Baseline " + day_text +
                            ": do NOT take magnesium. Magnesium starts on " + current.end.str() +
                            ".");
      break;
    case PhaseKind::treatment:
    case PhaseKind::retreatment: {
      const int week = (status.day_in_phase - 1) / 7 + 1;
      status.todo.push_back(std::string(current.kind == PhaseKind::treatment
                                            ? "Magnesium "
                                            : "Magnesium again (second treatment phase) ") +
                            day_text + " (week " + std::to_string(week) +
                            "): take the same dose at the same time each day, and record it.");
      if (status.day_in_phase <= status.phase_days - analysed_treatment_days)
        status.todo.push_back("The comparison uses the last 4 weeks of this phase (from " +
                              add_days(current.end, -analysed_treatment_days).str() +
                              "); in studies any benefit appeared after 4-8 weeks, so keep going.");
      break;
    }
    case PhaseKind::withdrawal:
      status.todo.push_back("Withdrawal " + day_text +
                            ": stop magnesium and keep logging; magnesium restarts on " +
                            current.end.str() + ".");
      break;
  }
}

/// The logging reminders that follow the phase's instruction.
void add_logging_todo(CalendarDate today, bool yesterday_missing, TrialStatus& status) {
  if (yesterday_missing)
    status.todo.push_back("Log last night (" + add_days(today, -1).str() + ").");
  else
    status.todo.push_back("Log tonight's entry tomorrow morning (date it " + today.str() + ").");
  if (status.days_missing > 0)
    status.todo.push_back(status.days_missing == 1
                              ? std::string("1 day is missing; fill it in only if you remember it "
                                            "reliably.")
                              : std::to_string(status.days_missing) +
                                    " days are missing; fill them in only if you remember them "
                                    "reliably.");
}

}  // namespace

TrialStatus trial_status(const TrialPlan& plan, const std::vector<DiaryEntry>& entries,
                         CalendarDate today, const TrialRules& rules) {
  TrialStatus status;
  const auto by_day = trial_detail::index_entries(entries);
  const auto phases = trial_phases(plan);
  status.end = phases.back().end;
  status.warnings = plan_warnings(plan, rules);
  const Phase* current = count_progress(phases, today.serial(), by_day, plan.primary, status);
  warn_magnesium_off_phase(phases, today.serial(), by_day, status);

  const CalendarDate yesterday = add_days(today, -1);
  const auto found = by_day.find(yesterday.serial());
  const bool yesterday_missing =
      yesterday >= plan.baseline_start && yesterday < status.end &&
      !(found != by_day.end() && trial_detail::has_outcome(*found->second, plan.primary));
  if (today < plan.baseline_start) {
    status.phase = "not-started";
    status.todo.push_back("The baseline starts on " + plan.baseline_start.str() +
                          ". Until then nothing changes; from that day, do not take magnesium "
                          "and log every night.");
    return status;
  }
  if (!current) {
    status.phase = "finished";
    status.todo.push_back("The trial finished on " + add_days(status.end, -1).str() +
                          ". Look at the result, and take it to your GP or pharmacist.");
    if (yesterday_missing)
      status.todo.push_back("The last night (" + yesterday.str() +
                            ") has no entry yet; log it before reading the result.");
    return status;
  }
  add_phase_todo(*current, today, rules.analysed_treatment_days, status);
  add_logging_todo(today, yesterday_missing, status);
  return status;
}

}  // namespace willis::core
