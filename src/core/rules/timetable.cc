// Timetable: dose times for the plan, outside every keep-apart window; withheld (fail closed)
// while anything that could move a dose time is unknown.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// Medicines with a window but no times: named in the schedule and in a note.
void untimed(const Context& cx, Findings& out) {
  auto& schedule = out.result.schedule;
  for (const auto& window : out.windows)
    if (window.times.empty() && !contains(schedule.untimed, window.medicine)) {
      schedule.untimed.push_back(window.medicine);
      const Medicine* med = cx.kb.medicine(window.medicine);
      out.note("schedule_untimed", {{"medicine", med ? med->name : window.name}});
    }
}

/// No dose times while anything is unresolved; the windows with times are still shown, so the
/// person sees what they know so far.
void withheld(const Context& cx, Findings& out) {
  auto& schedule = out.result.schedule;
  std::vector<std::string> items, asks, fields;
  for (const auto& u : out.pending) {
    items.push_back(u.missing == "time" ? u.reason : "'" + u.medicines.front() + "'");
    asks.push_back(u.ask);
    fields.push_back(u.field);
  }
  schedule.unresolved = out.pending;
  Finding& f = out.add_text("caution", "timetable-withheld", "timetable_withheld",
                            {{"items", join(items)}, {"asks", join(asks, " ", " ")}});
  f.data.emplace_back("fields", fields);
  ScheduleRequest request;
  request.wake = cx.p.day.wake;
  request.sleep = cx.p.day.sleep;
  request.windows = out.windows;
  schedule.keep_apart = make_schedule(request).keep_apart;
}

/// The plan's doses around the day and the windows; a finding when no time is clear.
void planned(const Context& cx, Findings& out, const Plan& plan) {
  auto& schedule = out.result.schedule;
  ScheduleRequest request;
  request.total_mg = plan.start_elemental_mg;
  request.dose_count = plan.start_elemental_mg >= cx.threshold("split_from_mg") ? 2 : 1;
  request.wake = cx.p.day.wake;
  request.sleep = cx.p.day.sleep;
  request.meals = cx.p.day.meals;
  request.with_meals = cx.p.sensitive_stomach;
  request.evening_target_before_sleep_h = cx.threshold("evening_target_before_sleep_h");
  request.windows = out.windows;
  Schedule made = make_schedule(request);
  made.untimed = schedule.untimed;
  schedule = std::move(made);
  if (schedule.unresolved.empty()) return;
  Unresolved& collision = schedule.unresolved.front();
  std::vector<std::string> names;
  for (const auto& id : collision.medicines)
    if (const Medicine* med = cx.kb.medicine(id)) names.push_back(med->name);
  const Values values = {{"medicines", join(names)}};
  collision.reason = fill_text(cx.rules.text("schedule_unresolved").detail, values);
  collision.ask = fill_text(cx.rules.text("schedule_unresolved_ask").detail, values);
  collision.missing = "collision";
  Finding& f = out.add_text("caution", "no-safe-time", "no_safe_time", values);
  f.data.emplace_back("medicines", collision.medicines);
}

}  // namespace

void make_timetable(const Context& cx, Findings& out) {
  out.result.schedule.wake = cx.p.day.wake;
  out.result.schedule.sleep = cx.p.day.sleep;
  untimed(cx, out);
  // Fail closed: anything willis could not check withholds every dose time.
  if (!out.pending.empty()) return withheld(cx, out);
  if (out.result.magnesium.plan) planned(cx, out, *out.result.magnesium.plan);
}

}  // namespace willis::core::rules
