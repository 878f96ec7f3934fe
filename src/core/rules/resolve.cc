// Name resolution: every listed medicine, supplement and condition, before the first pass.
#include <algorithm>

#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

std::string suggestion_text(const std::optional<std::string>& suggestion) {
  return suggestion
             ? " Did you mean \"" + *suggestion + "\"? (willis does not correct names by itself.)"
             : "";
}

/// Route and frequency: as the profile gives them, else as words in the name say.
void read_route_and_every(const Rules& rules, Item& item, const std::string& normalized,
                          std::optional<Route> route, std::optional<Every> every) {
  if (route) {
    item.route = *route;
  } else {
    for (const auto& [name, words] : rules.route_words)
      for (const auto& word : words)
        if (item.route == Route::oral && has_phrase(normalized, word))
          if (auto parsed = parse_route(name)) item.route = *parsed;
  }
  if (every) {
    item.every = *every;
  } else {
    for (const auto& word : rules.weekly_words)
      if (has_phrase(normalized, word)) item.every = Every::week;
    for (const auto& word : rules.monthly_words)
      if (has_phrase(normalized, word)) item.every = Every::month;
  }
}

/// The KB medicines a name matched: magnesium products count as magnesium, the rest as medicines.
void take_medicine_ids(const Kb& kb, Item& item, const MedicineMatch& match) {
  for (const auto& id : match.ids) {
    const Medicine* med = kb.medicine(id);
    if (!med) continue;
    if (!med->magnesium && contains(med->classes, "magnesium-product")) {
      // A magnesium product whose magnesium per dose the KB cannot state: magnesium whose
      // amount cannot be counted (fail closed), never a plain medicine with none.
      item.magnesium.kind = SupplementMatch::Kind::form;
      item.magnesium.id = "magnesium";
      if (!item.medicines.empty() || match.ids.size() > 1) item.magnesium_in_combination = true;
      continue;
    }
    if (med->magnesium && item.magnesium.kind == SupplementMatch::Kind::unknown) {
      item.magnesium.kind = SupplementMatch::Kind::product;
      item.magnesium.id = med->id;
    } else if (med->magnesium) {
      item.magnesium_in_combination = true;
    } else {
      item.medicines.push_back(med);
    }
  }
}

/// Parts of a name the medicine look-up did not know: a magnesium form, or unknown.
void take_unknown_parts(const NameIndex& names, Item& item, const MedicineMatch& match) {
  for (const auto& part : match.unknown) {
    // A magnesium form named as one part of a combination ("magnesium citrate/zinc").
    const SupplementMatch part_magnesium = names.supplement(part);
    if (part_magnesium.kind == SupplementMatch::Kind::unknown) {
      item.unknown.push_back(part);
    } else {
      if (item.magnesium.kind == SupplementMatch::Kind::unknown) item.magnesium = part_magnesium;
      item.magnesium_in_combination = true;
    }
  }
}

/// Whether the magnesium in a combination can still be counted from the item's amount.
void settle_combination(const Rules& rules, Item& item, const std::string& normalized,
                        const MedicineMatch& match) {
  // Text that names magnesium is never read as something without it ("Calcium Magnesium Zinc"):
  // the magnesium is there, in an amount willis cannot attribute (fail closed).
  if (item.magnesium.kind == SupplementMatch::Kind::unknown &&
      has_phrase(normalized, "magnesium")) {
    item.magnesium.kind = SupplementMatch::Kind::form;
    item.magnesium.id = "magnesium";
    item.magnesium_in_combination = true;
  }
  if (item.magnesium_in_combination && item.unknown.empty() && item.amount &&
      !item.medicines.empty() &&
      std::all_of(item.medicines.begin(), item.medicines.end(), [&](const Medicine* med) {
        return std::any_of(med->classes.begin(), med->classes.end(), [&](const std::string& cls) {
          return contains(rules.sleep_blend_classes, cls);
        });
      }))
    item.magnesium_in_combination =
        false;  // a sleep blend: `amount` is its magnesium (docs/contract.md)
  if (item.magnesium_in_combination && item.medicines.empty() && item.unknown.empty() &&
      item.magnesium.kind != SupplementMatch::Kind::unknown && match.ids.size() <= 1)
    item.magnesium_in_combination = false;
}

/// One look-up for every item, whichever list it was typed in: magnesium forms and products,
/// then medicines (iron or levothyroxine typed as a supplement is still a medicine).
void resolve(const Context& cx, Item& item, std::optional<Route> route,
             std::optional<Every> every) {
  const std::string normalized = normalize_name(item.name);
  read_route_and_every(cx.rules, item, normalized, route, every);
  const SupplementMatch as_magnesium = cx.names.supplement(item.name);
  if (as_magnesium.kind != SupplementMatch::Kind::unknown) {
    item.magnesium = as_magnesium;
    return;
  }
  const MedicineMatch match = cx.names.medicine(item.name);
  take_medicine_ids(cx.kb, item, match);
  // A route read from the name of a combination ("Aralen/iron sucrose (intravenous)") could
  // belong to one part only: keep every part's oral window (fail closed) unless `route:` was
  // given.
  if (!route && match.ids.size() + match.unknown.size() > 1) item.route = Route::oral;
  take_unknown_parts(cx.names, item, match);
  settle_combination(cx.rules, item, normalized, match);
}

Item medicine_item(const Context& cx, std::size_t idx) {
  const auto& entry = cx.p.medicines[idx];
  Item item;
  item.field = "medicines[" + std::to_string(idx) + "]";
  item.name = entry.name;
  item.amount = entry.amount;
  item.basis = entry.amount_basis;
  item.times = entry.times;
  item.per_day = entry.times.empty() ? entry.per_day.value_or(1)
                                     : std::max<int>(static_cast<int>(entry.times.size()),
                                                     entry.per_day.value_or(0));
  item.per_day_assumed = entry.times.empty() && !entry.per_day;
  item.prescribed = entry.prescribed;
  item.on_day = entry.on_day;
  resolve(cx, item, entry.route, entry.every);
  return item;
}

Item supplement_item(const Context& cx, std::size_t idx) {
  const auto& entry = cx.p.supplements[idx];
  Item item;
  item.field = "supplements[" + std::to_string(idx) + "]";
  item.name = entry.name;
  item.listed_as_supplement = true;
  if (entry.amount)
    item.amount = entry.amount;
  else if (entry.amount_mg)
    item.amount = Quantity{*entry.amount_mg, "mg"};
  if (entry.amount_basis_given || entry.amount_basis == AmountBasis::compound)
    item.basis = entry.amount_basis;
  item.times = entry.times;
  item.per_day = entry.times.empty()
                     ? entry.per_day
                     : std::max<int>(entry.per_day, static_cast<int>(entry.times.size()));
  item.prescribed = entry.prescribed;
  resolve(cx, item, std::nullopt, std::nullopt);
  return item;
}

void report_resolution(const Context& cx, Findings& out, const Item& item) {
  Resolution resolution{item.field, item.name, {}};
  for (const auto* med : item.medicines) resolution.ids.push_back(med->id);
  if (item.magnesium.kind != SupplementMatch::Kind::unknown && !item.magnesium.id.empty())
    resolution.ids.push_back(item.magnesium.id);
  out.result.resolved.push_back(std::move(resolution));
  const bool known_parts =
      !item.medicines.empty() || item.magnesium.kind != SupplementMatch::Kind::unknown;
  for (const auto& part : item.unknown) {
    const bool supplement_text = item.listed_as_supplement && !known_parts;
    out.add_text(
        "unrecognised", cx.names.slug(part),
        supplement_text ? "unrecognised_supplement" : "unrecognised_medicine",
        {{"name", part},
         {"suggestion", suggestion_text(supplement_text ? cx.names.suggest_supplement(part)
                                                        : cx.names.suggest_medicine(part))}});
    out.unresolve(item.field, part, "unknown", "unresolved_unknown", {{"name", part}});
  }
}

void resolve_conditions(Context& cx, Findings& out) {
  for (std::size_t idx = 0; idx < cx.p.conditions.size(); ++idx) {
    const auto& name = cx.p.conditions[idx];
    Resolution resolution{"conditions[" + std::to_string(idx) + "]", name, {}};
    if (auto id = cx.names.condition(name)) {
      cx.condition_ids.insert(*id);
      resolution.ids.push_back(*id);
    } else {
      out.add_text(
          "unrecognised", cx.names.slug(name), "unrecognised_condition",
          {{"name", name}, {"suggestion", suggestion_text(cx.names.suggest_condition(name))}});
      // A condition willis does not know could rule magnesium out, so the plan and the
      // timetable wait for it (fail closed); kidney words also count as kidney disease.
      out.unresolve(resolution.field, name, "unknown-condition", "unresolved_condition",
                    {{"name", name}});
      if (cx.names.mentions_kidneys(name)) cx.unknown_kidney_condition = name;
    }
    out.result.resolved.push_back(std::move(resolution));
  }
}

}  // namespace

Context resolve_names(const Kb& kb, const NameIndex& names, const Profile& profile, Findings& out) {
  Context cx(kb, names, profile);
  for (std::size_t idx = 0; idx < profile.medicines.size(); ++idx)
    cx.items.push_back(medicine_item(cx, idx));
  for (std::size_t idx = 0; idx < profile.supplements.size(); ++idx)
    cx.items.push_back(supplement_item(cx, idx));
  for (const auto& item : cx.items) report_resolution(cx, out, item);
  resolve_conditions(cx, out);
  return cx;
}

}  // namespace willis::core::rules
