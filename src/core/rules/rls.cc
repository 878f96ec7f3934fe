// Restless legs: the diagnostic criteria, IRLS severity, and what can make RLS worse.
#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// The diagnostic criteria not (yet) answered yes.
std::vector<std::string> criteria_missing(const Symptoms& s) {
  std::vector<std::string> missing;
  const std::pair<const std::optional<bool>*, const char*> criteria[] = {
      {&s.urge_to_move_legs, "an urge to move the legs"},
      {&s.worse_at_rest, "worse at rest"},
      {&s.relieved_by_movement, "relieved by movement"},
      {&s.worse_evening_or_night, "worse in the evening or night"}};
  for (const auto& [answer, words] : criteria)
    if (!answer->value_or(false)) missing.push_back(words);
  if (!s.explained_by_other_condition.has_value() || *s.explained_by_other_condition)
    missing.push_back("not explained by another condition");
  return missing;
}

}  // namespace

void rls_rules(const Context& cx, Findings& out) {
  const auto& s = cx.p.symptoms;
  if (s.explained_by_other_condition.value_or(false))
    out.add_text("rls", "other-explanation", "other_explanation", {});
  if (s.irls_total) {
    std::string band;
    for (const auto& b : cx.rules.irls_bands)
      if (*s.irls_total >= b.from && *s.irls_total <= b.to) band = b.label;
    Finding& f = out.add_text("rls", "severity", "irls_severity",
                              {{"total", std::to_string(*s.irls_total)}, {"band", band}});
    f.data.emplace_back("irls_total", static_cast<double>(*s.irls_total));
    f.data.emplace_back("band", band);
  }
  if (!cx.rls_suspected()) return;
  const std::vector<std::string> missing = criteria_missing(s);
  if (missing.empty()) {
    out.add_text("rls", "criteria-met", "criteria_met", {});
  } else if (s.urge_to_move_legs || s.worse_at_rest || s.relieved_by_movement ||
             s.worse_evening_or_night || s.explained_by_other_condition) {
    out.add_text("rls", "criteria-not-met", "criteria_not_met", {{"missing", join(missing)}});
  }
}

void lifestyle_rules(const Context& cx, Findings& out) {
  if (!cx.rls_suspected()) return;
  if (cx.p.caffeine_drinks_per_day && *cx.p.caffeine_drinks_per_day > 0)
    out.add_text("exacerbating", "caffeine", "caffeine",
                 {{"amount", format_number(*cx.p.caffeine_drinks_per_day)}});
  if (cx.p.alcohol_units_per_week && *cx.p.alcohol_units_per_week > 0)
    out.add_text("exacerbating", "alcohol", "alcohol",
                 {{"amount", format_number(*cx.p.alcohol_units_per_week)}});
}

void exacerbating_medicine(const Context& cx, Findings& out, const Medicine& med) {
  std::string group;
  if (contains(cx.rules.exacerbating_medicines, med.id)) group = med.name;
  for (const auto& cls : med.classes)
    if (group.empty() && contains(cx.rules.exacerbating_classes, cls))
      for (const auto& c : cx.kb.classes)
        if (c.id == cls) group = c.name;
  if (group.empty() || cx.sleep_only())
    return;  // sleep-only: sleep:medicine-may-disturb speaks instead
  out.add_text("exacerbating", med.id, "exacerbating_medicine",
               {{"medicine", med.name}, {"group", group}});
}

}  // namespace willis::core::rules
