// src/core/rules/context.h: the read-only facts every assessment pass may use: the profile, the
// knowledge base, the listed items and conditions as resolved by name, and "today" (profile.as_of).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/kb.h"
#include "core/names.h"
#include "core/profile.h"

namespace willis::core::rules {

using Values = std::vector<std::pair<std::string, std::string>>;

/// "a, b and c" (or with the separators given).
std::string join(const std::vector<std::string>& items, const std::string& last_sep = " and ",
                 const std::string& sep = ", ");
bool contains(const std::vector<std::string>& items, const std::string& item);
/// Adds each of `from` to `to` unless already there (source lists keep their first order).
void add_missing(std::vector<std::string>& to, const std::vector<std::string>& from);
/// A lab value for prose: two decimals ("0.71").
std::string two_decimals(double value);
/// When a lab result was measured, for prose: "measured 2025-03-01" or "date not given".
std::string dated(const std::optional<CalendarDate>& date);

/// One listed medicine or supplement after name resolution: what willis knows about it.
struct Item {
  std::string field;  ///< "medicines[0]", "supplements[2]"
  std::string name;
  bool listed_as_supplement = false;
  std::optional<Quantity> amount;
  std::optional<AmountBasis> basis;  ///< absent: the item's default (products: the labelled salt)
  std::vector<ClockTime> times;
  int per_day = 1;
  bool per_day_assumed = false;
  bool prescribed = false;
  Route route = Route::oral;
  Every every = Every::day;
  std::string on_day;
  std::vector<const Medicine*>
      medicines;  ///< KB medicines it names (magnesium products are in `magnesium`)
  std::vector<std::string> unknown;  ///< the name, or parts of it, that willis does not know
  SupplementMatch magnesium;         ///< kind unknown: no magnesium in it
  bool magnesium_in_combination =
      false;  ///< magnesium is one part of a combination (amount not attributable)
};

/// What a pass may read. Built once by resolve_names (resolve.cc) before the first pass; no pass
/// changes it.
struct Context {
  Context(const Kb& knowledge, const NameIndex& index, const Profile& profile)
      : kb(knowledge), names(index), p(profile), rules(knowledge.rules) {}

  const Kb& kb;
  const NameIndex& names;
  const Profile& p;  ///< p.as_of is "today" (absent: unknown)
  const Rules& rules;
  std::vector<Item> items;               ///< medicines, then supplements, in profile order
  std::set<std::string> condition_ids;   ///< KB ids of the conditions recognised
  std::string unknown_kidney_condition;  ///< an unrecognised condition that names the kidneys

  double threshold(const char* name) const { return rules.threshold(name).value; }
  const Provenance& threshold_prov(const char* name) const { return rules.threshold(name).prov; }
  bool adult() const { return p.age >= threshold("adult_from_y"); }
  bool has_condition(const std::string& id) const { return condition_ids.count(id) > 0; }
  bool has_condition_role(const std::string& role) const;
  bool pregnant() const { return p.pregnant || has_condition_role("pregnancy"); }
  bool breastfeeding() const { return p.breastfeeding || has_condition_role("breastfeeding"); }
  bool rls_suspected() const;
  /// A sleep complaint without RLS symptoms: sleep wording replaces RLS wording (sleep_rules.h).
  bool sleep_only() const;
  bool takes_medicine(const std::string& id) const;

  /// From this age, or with kidney disease, an old eGFR or serum magnesium does not count.
  bool labs_must_be_recent() const;
  /// A dated result older than the freshness limit, or dated when "today" is unknown.
  bool out_of_date(const std::optional<CalendarDate>& date) const;

  const UpperLimit* upper_limit() const;
  const ReferenceIntake* reference_intake(Jurisdiction jurisdiction) const;
  /// The entries of `kind` that apply to `med`: explicit mentions beat class-level entries.
  std::vector<const Interaction*> entries_for(const Medicine& med, const std::string& kind) const;
  /// How one treatment entry reads in a sentence: "AASM 2024 (us, eu): against standard use,
  /// conditional".
  std::string describe(const Treatment& t) const;
};

}  // namespace willis::core::rules
