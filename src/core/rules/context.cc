#include "core/rules/context.h"

#include <algorithm>
#include <cstdio>

#include "core/date.h"
#include "core/sleep_rules.h"

namespace willis::core::rules {

std::string join(const std::vector<std::string>& items, const std::string& last_sep,
                 const std::string& sep) {
  std::string out;
  for (std::size_t idx = 0; idx < items.size(); ++idx) {
    if (idx > 0) out += idx + 1 == items.size() ? last_sep : sep;
    out += items[idx];
  }
  return out;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

void add_missing(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& item : from)
    if (!contains(to, item)) to.push_back(item);
}

std::string two_decimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

std::string dated(const std::optional<CalendarDate>& date) {
  return date ? "measured " + date->str() : "date not given";
}

bool Context::has_condition_role(const std::string& role) const {
  for (const auto& id : condition_ids)
    if (const Condition* c = kb.condition(id); c && c->has_role(role)) return true;
  return false;
}

bool Context::rls_suspected() const {
  const auto& s = p.symptoms;
  return has_condition_role("rls") || s.urge_to_move_legs.value_or(false) ||
         s.worse_at_rest.value_or(false) || s.relieved_by_movement.value_or(false) ||
         s.worse_evening_or_night.value_or(false) || s.irls_total.value_or(0) > 0;
}

bool Context::sleep_only() const {
  return sleep_complaint(p, has_condition("insomnia")) && !rls_suspected();
}

bool Context::takes_medicine(const std::string& id) const {
  for (const auto& item : items)
    for (const auto* med : item.medicines)
      if (med->id == id) return true;
  return false;
}

bool Context::labs_must_be_recent() const {
  return p.age >= threshold("lab_freshness_age_from_y") || has_condition_role("kidney") ||
         has_condition_role("kidney-moderate") || has_condition_role("kidney-severe") ||
         !unknown_kidney_condition.empty();
}

bool Context::out_of_date(const std::optional<CalendarDate>& date) const {
  if (!date) return false;  // a plain number is the person's current value (the contract allows it)
  if (!p.as_of) return true;
  return days_between(*date, *p.as_of) > threshold("lab_fresh_days");
}

const UpperLimit* Context::upper_limit() const {
  for (const auto& limit : kb.upper_limits)
    if (limit.jurisdiction == p.jurisdiction && p.age >= limit.age_from_y &&
        (!limit.age_below_y || p.age < *limit.age_below_y))
      return &limit;
  return nullptr;
}

const ReferenceIntake* Context::reference_intake(Jurisdiction jurisdiction) const {
  const std::string sex = p.sex == Sex::female ? "female" : p.sex == Sex::male ? "male" : "";
  for (const auto& intake : kb.reference_intakes) {
    if (intake.jurisdiction != jurisdiction || p.age < intake.age_from_y ||
        (intake.age_below_y && p.age >= *intake.age_below_y))
      continue;
    if (intake.sex != "any" && intake.sex != sex) continue;
    if (intake.state == "pregnant" && !pregnant()) continue;
    if (intake.state == "breastfeeding" && !breastfeeding()) continue;
    if (intake.state == "not-pregnant-or-breastfeeding" && (pregnant() || breastfeeding()))
      continue;
    return &intake;
  }
  return nullptr;
}

std::vector<const Interaction*> Context::entries_for(const Medicine& med,
                                                     const std::string& kind) const {
  std::vector<const Interaction*> explicit_entries, class_entries;
  for (const auto& entry : kb.interactions) {
    if (entry.kind != kind) continue;
    if (contains(entry.medicines, med.id)) {
      explicit_entries.push_back(&entry);
      continue;
    }
    for (const auto& cls : entry.classes)
      if (contains(med.classes, cls)) {
        class_entries.push_back(&entry);
        break;
      }
  }
  return explicit_entries.empty() ? class_entries : explicit_entries;
}

std::string Context::describe(const Treatment& t) const {
  std::string text = t.guideline;
  if (const auto source = kb.sources.find(t.guideline); source != kb.sources.end()) {
    text = source->second.publisher.empty() ? source->second.title : source->second.publisher;
    if (source->second.year) text += " " + std::to_string(*source->second.year);
  }
  std::vector<std::string> places;
  for (const auto j : t.jurisdictions) places.push_back(to_string(j));
  std::string direction = t.direction;
  std::replace(direction.begin(), direction.end(), '-', ' ');
  text += " (" + join(places, ", ") + "): " + direction;
  if (t.strength != "not-graded") text += ", " + t.strength;
  if (t.certainty != "not-stated") text += ", " + t.certainty + " certainty";
  if (!t.superseded_by.empty()) text += " [superseded]";
  return text;
}

}  // namespace willis::core::rules
