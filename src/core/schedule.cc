#include "core/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace willis::core {

namespace {
// Timetable granularity: a scheduling convenience, not a clinical number.
constexpr int kStepMinutes = 15;

int hours_to_minutes(double hours) {
  return static_cast<int>(std::lround(hours * 60));
}

bool allowed(ClockTime m, const std::vector<TimedWindow>& windows) {
  for (const auto& window : windows)
    for (const auto& t : window.times)
      if (inside_window(m, t, window.after_h, window.before_h)) return false;
  return true;
}

/// Position within the waking day, so that comparisons work when sleep is after midnight.
int awake_offset(ClockTime wake, ClockTime m) {
  return minutes_forward(wake, m);
}

}  // namespace

bool inside_window(ClockTime m, ClockTime t, double after_h, double before_h) {
  const int after_drug = minutes_forward(t, m);   // how long after the drug dose m falls
  const int before_drug = minutes_forward(m, t);  // how long before the drug dose m falls
  if (after_drug == 0) return true;               // simultaneous is never allowed
  return after_drug < hours_to_minutes(after_h) || before_drug < hours_to_minutes(before_h);
}

std::vector<ClockTime> waking_times(ClockTime wake, ClockTime sleep, int step_min) {
  std::vector<ClockTime> times;
  const int span = minutes_forward(wake, sleep);
  for (int offset = 0; offset <= span; offset += step_min)
    times.push_back(ClockTime{(wake.minutes + offset) % kMinutesPerDay});
  return times;
}

namespace {

/// Doses for one kind of day: every window in `request` applies.
Schedule place_doses(const ScheduleRequest& request) {
  Schedule schedule;

  std::vector<ClockTime> candidates;
  for (const auto& m : waking_times(request.wake, request.sleep, kStepMinutes))
    if (allowed(m, request.windows)) candidates.push_back(m);
  // Meal times themselves are candidates even off the 15-minute grid.
  for (const auto& meal : request.meals)
    if (awake_offset(request.wake, meal) <= minutes_forward(request.wake, request.sleep) &&
        allowed(meal, request.windows) &&
        std::find(candidates.begin(), candidates.end(), meal) == candidates.end())
      candidates.push_back(meal);
  if (candidates.empty()) {
    Unresolved unresolved;
    for (const auto& window : request.windows)
      if (!window.times.empty() &&
          std::find(unresolved.medicines.begin(), unresolved.medicines.end(), window.medicine) ==
              unresolved.medicines.end())
        unresolved.medicines.push_back(window.medicine);
    schedule.unresolved.push_back(std::move(unresolved));
    return schedule;
  }
  std::sort(candidates.begin(), candidates.end(), [&](ClockTime a, ClockTime b) {
    return awake_offset(request.wake, a) < awake_offset(request.wake, b);
  });

  const auto is_meal = [&](ClockTime m) {
    return std::find(request.meals.begin(), request.meals.end(), m) != request.meals.end();
  };
  const int span = minutes_forward(request.wake, request.sleep);
  const int evening = std::max(0, span - hours_to_minutes(request.evening_target_before_sleep_h));
  // Cost of a time: distance from the target; with a sensitive stomach a meal beats any non-meal.
  const auto best_near = [&](int target, std::optional<ClockTime> exclude) {
    std::optional<ClockTime> best;
    long best_cost = std::numeric_limits<long>::max();
    for (const auto& m : candidates) {
      if (exclude && m == *exclude) continue;
      long cost = std::abs(awake_offset(request.wake, m) - target);
      if (request.with_meals && !is_meal(m)) cost += 10L * kMinutesPerDay;
      if (cost < best_cost) {
        best_cost = cost;
        best = m;
      }
    }
    return best;
  };

  const int count = std::max(1, request.dose_count);
  const double each = request.total_mg / count;
  std::vector<ClockTime> chosen;
  if (count == 1) {
    chosen.push_back(*best_near(evening, std::nullopt));
  } else {
    const auto second = best_near(evening, std::nullopt);
    const auto first = best_near(span / 3, second);
    if (first) chosen.push_back(*first);
    chosen.push_back(*second);
  }
  std::sort(chosen.begin(), chosen.end(), [&](ClockTime a, ClockTime b) {
    return awake_offset(request.wake, a) < awake_offset(request.wake, b);
  });
  // If only one time was available for two doses, the whole amount goes there.
  const double amount = chosen.size() == static_cast<std::size_t>(count) ? each : request.total_mg;
  for (const auto& m : chosen)
    schedule.doses.push_back(Dose{m, amount, request.with_meals && is_meal(m)});
  return schedule;
}

}  // namespace

Schedule make_schedule(const ScheduleRequest& request) {
  // Windows of weekly or monthly medicines apply on their day only: every day's doses respect the
  // daily windows, and a day whose own window those doses would break gets doses of its own.
  ScheduleRequest daily = request;
  daily.windows.clear();
  std::vector<std::string> days;
  for (const auto& window : request.windows) {
    if (window.day.empty())
      daily.windows.push_back(window);
    else if (std::find(days.begin(), days.end(), window.day) == days.end())
      days.push_back(window.day);
  }
  Schedule schedule = place_doses(daily);
  schedule.wake = request.wake;
  schedule.sleep = request.sleep;
  for (const auto& window : request.windows)
    for (const auto& t : window.times) {
      const int from =
          ((t.minutes - hours_to_minutes(window.before_h)) % kMinutesPerDay + kMinutesPerDay) %
          kMinutesPerDay;
      schedule.keep_apart.push_back(KeepApart{
          window.medicine, window.name, t, ClockTime{from},
          ClockTime{(t.minutes + hours_to_minutes(window.after_h)) % kMinutesPerDay}, window.day});
    }
  if (schedule.doses.empty()) return schedule;
  for (const auto& day : days) {
    ScheduleRequest that_day = daily;
    std::string medicine;
    for (const auto& window : request.windows)
      if (window.day == day) {
        that_day.windows.push_back(window);
        if (medicine.empty()) medicine = window.medicine;
      }
    const bool clash =
        std::any_of(schedule.doses.begin(), schedule.doses.end(),
                    [&](const Dose& dose) { return !allowed(dose.time, that_day.windows); });
    if (!clash) continue;
    Schedule own = place_doses(that_day);
    if (own.doses.empty()) {
      for (auto& unresolved : own.unresolved) schedule.unresolved.push_back(std::move(unresolved));
      schedule.doses.clear();
      return schedule;
    }
    schedule.on_days.push_back(DaySchedule{day, medicine, std::move(own.doses)});
  }
  return schedule;
}

}  // namespace willis::core
