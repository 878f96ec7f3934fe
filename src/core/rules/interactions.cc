// Interactions: what each listed medicine does with magnesium (keep apart, depletion, caution),
// the keep-apart windows the timetable uses, and the medicine's RLS and treatment findings.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// The day a weekly or monthly medicine's window applies, as the timetable names it.
std::string window_day(const Item& item) {
  if (item.every == Every::day) return "";
  if (item.every == Every::week)
    return item.on_day.empty() ? "the day you take it (weekly)" : item.on_day;
  return item.on_day.empty() ? "the day you take it (monthly)"
                             : "day " + item.on_day + " of the month";
}

/// Eye drops, creams, inhalers and injections do not meet magnesium in the gut: no window.
void not_by_mouth(Findings& out, const Item& item, const Medicine& med, const Interaction& entry) {
  Finding& f =
      out.add_text("interaction", med.id + "-" + to_string(item.route), "route_not_oral",
                   {{"medicine", med.name}, {"name", item.name}, {"route", to_string(item.route)}});
  add_missing(f.sources, entry.prov.sources);
  f.data.emplace_back("route", std::string(to_string(item.route)));
}

/// The data of an interaction finding: its action and, to keep apart, the windows and sources.
void describe_window(Finding& f, const Interaction& entry, bool separate) {
  f.data.emplace_back("action", entry.action);
  if (!separate) return;
  f.data.emplace_back("magnesium_after_drug_h", entry.after_h());
  f.data.emplace_back("magnesium_before_drug_h", entry.before_h());
  for (const auto& window : entry.windows) {
    f.windows.push_back(
        {window.source, window.magnesium_after_drug_h, window.magnesium_before_drug_h});
    if (!contains(f.sources, window.source)) f.sources.push_back(window.source);
    if (!window.verified) f.verified = false;
  }
}

void one_entry(Findings& out, const Item& item, const Medicine& med, const std::string& kind,
               const Interaction& entry) {
  const bool separate = kind == "interaction" && entry.action == "separate";
  if (separate && item.route != Route::oral) return not_by_mouth(out, item, med, entry);
  const Values filled = {{"medicine", med.name},
                         {"after_h", format_number(entry.after_h())},
                         {"before_h", format_number(entry.before_h())}};
  Finding& f = out.add(kind, med.id, entry.severity, fill_text(entry.title, filled),
                       fill_text(entry.detail, filled), "your pharmacist", entry.prov);
  if (kind == "interaction" && f.data.empty()) describe_window(f, entry, separate);
  if (!separate) return;
  // Every listing of the medicine keeps its window, not only the first.
  out.windows.push_back(TimedWindow{med.id, item.name, item.times, entry.after_h(),
                                    entry.before_h(), window_day(item)});
  if (item.every != Every::day) f.data.emplace_back("day", window_day(item));
  if (item.times.empty())
    out.unresolve(item.field, med.id, "time", "unresolved_untimed",
                  {{"medicine", med.name}, {"name", item.name}});
}

}  // namespace

void interactions(const Context& cx, Findings& out) {
  for (const auto& item : cx.items)
    for (const Medicine* med : item.medicines) {
      for (const char* kind : {"interaction", "depletion", "caution"})
        for (const Interaction* entry : cx.entries_for(*med, kind))
          one_entry(out, item, *med, kind, *entry);
      exacerbating_medicine(cx, out, *med);
      treatment_medicine(cx, out, *med);
    }
}

}  // namespace willis::core::rules
