// src/core/schedule.h: place magnesium doses clear of every interacting medicine's window.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/assessment.h"
#include "core/clock_time.h"

namespace willis::core {

/// A listed medicine's doses and the window magnesium must keep around each.
struct TimedWindow {
  std::string medicine;  ///< KB id
  std::string name;      ///< as written
  std::vector<ClockTime> times;
  double after_h = 0;   ///< magnesium no sooner than this after a dose
  double before_h = 0;  ///< magnesium no later than this before a dose
  std::string day;      ///< empty: every day; else the one day it applies ("monday", "day 1 of the
                        ///< month", "its weekly day")
};

/// True when a magnesium dose at `m` falls inside the window around a drug dose at `t`:
/// `t - before < m < t + after` on a 24 h clock, or `m == t`. The edges are allowed.
bool inside_window(ClockTime m, ClockTime t, double after_h, double before_h);

struct ScheduleRequest {
  double total_mg = 0;  ///< the plan's starting dose
  int dose_count = 1;   ///< 1, or 2 when the dose is split
  ClockTime wake, sleep;
  std::vector<ClockTime> meals;
  bool with_meals = false;  ///< sensitive stomach: prefer meal times
  double evening_target_before_sleep_h = 2;
  std::vector<TimedWindow> windows;
};

/// Doses (empty when no time is allowed) and, when empty, the medicines that collide.
Schedule make_schedule(const ScheduleRequest& request);

/// Every candidate time between wake and sleep, every `step_min` minutes.
std::vector<ClockTime> waking_times(ClockTime wake, ClockTime sleep, int step_min);

}  // namespace willis::core
