#include "core/assess.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/schedule.h"
#include "core/sleep_rules.h"

namespace willis::core {

std::string format_number(double value) {
  char text[32];
  const double rounded = std::round(value * 10) / 10;
  if (std::fabs(rounded - std::round(rounded)) < 1e-9)
    std::snprintf(text, sizeof text, "%.0f", rounded);
  else
    std::snprintf(text, sizeof text, "%.1f", rounded);
  return text;
}

std::string fill_text(std::string text,
                      const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (std::size_t at = 0; (at = text.find(placeholder, at)) != std::string::npos;
         at += value.size())
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

const Finding* Assessment::finding(const std::string& id) const {
  for (const auto& f : findings)
    if (f.id == id) return &f;
  return nullptr;
}

namespace {

using Values = std::vector<std::pair<std::string, std::string>>;

std::string join(const std::vector<std::string>& items, const std::string& last_sep = " and ",
                 const std::string& sep = ", ") {
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

/// Strength written in a name ("Magnesium 10 mmol effervescent", "magnesium citrate 200 mg").
std::optional<Quantity> strength_in_name(const std::string& name) {
  const std::string normalized = normalize_name(name);
  std::vector<std::string> words;
  for (std::size_t at = 0; at < normalized.size();) {
    const auto end = normalized.find(' ', at);
    words.push_back(normalized.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  for (std::size_t idx = 0; idx < words.size(); ++idx) {
    std::string number = words[idx], unit;
    std::size_t digits = 0;
    while (digits < number.size() &&
           (std::isdigit(static_cast<unsigned char>(number[digits])) || number[digits] == '.'))
      ++digits;
    if (digits == 0) continue;
    unit = number.substr(digits);
    number = number.substr(0, digits);
    if (unit.empty() && idx + 1 < words.size()) unit = words[idx + 1];
    const double value = std::atof(number.c_str());
    if (!(value > 0)) continue;
    if (unit == "mg" || unit == "mmol" || unit == "g" || unit == "mcg" || unit == "meq")
      return Quantity{value, unit};
  }
  return std::nullopt;
}

/// Elemental magnesium per mmol and per mEq: the atomic mass of magnesium (a physical constant).
constexpr double kMgPerMmol = 24.305;

/// Milligrams in a mass quantity; nullopt for other units.
std::optional<double> mass_mg(const Quantity& q) {
  if (q.unit == "mg") return q.value;
  if (q.unit == "g") return q.value * 1000;
  if (q.unit == "mcg") return q.value / 1000;
  return std::nullopt;
}

/// Elemental mg in an amount of magnesium ions (mmol, mEq); nullopt for other units.
std::optional<double> ion_mg(const Quantity& q) {
  if (q.unit == "mmol") return q.value * kMgPerMmol;
  if (q.unit == "meq") return q.value / 2 * kMgPerMmol;
  return std::nullopt;
}

bool count_unit(const std::string& unit) {
  return unit.empty() || unit == "tablet" || unit == "capsule" || unit == "sachet" ||
         unit == "dose" || unit == "gummy" || unit == "lozenge";
}

class Assessor {
 public:
  Assessor(const Kb& kb, const NameIndex& names, const Profile& profile)
      : kb_(kb), names_(names), p_(profile), rules_(kb.rules) {}

  Assessment run() {
    out_.kb_version = kb_.version;
    out_.jurisdiction = p_.jurisdiction;
    out_.disclaimer = rules_.disclaimer;
    resolve_items();
    resolve_conditions();
    record_labs();
    red_flags();
    age_rules();
    kidney_rules();
    serum_magnesium_rules();
    condition_findings();
    medicine_findings();
    dose_rules();
    rls_rules();
    iron_rules();
    treatment_and_evidence();
    lifestyle_rules();
    sleep_findings_step();  // issue 15: src/core/sleep_rules.cc
    finish();
    return std::move(out_);
  }

 private:
  // ---- helpers ----
  Finding& add(std::string kind, const std::string& subject, Severity severity, std::string title,
               std::string detail, std::string see, const Provenance& prov) {
    const std::string id = kind + ":" + subject;
    // One finding per subject; an index keeps this linear however many items a profile lists.
    if (const auto found = finding_index_.find(id); found != finding_index_.end())
      return out_.findings[found->second];
    finding_index_.emplace(id, out_.findings.size());
    Finding f;
    f.id = id;
    f.kind = std::move(kind);
    f.severity = severity;
    f.title = std::move(title);
    f.detail = std::move(detail);
    f.see = std::move(see);
    f.sources = prov.sources;
    f.verified = prov.verified;
    out_.findings.push_back(std::move(f));
    return out_.findings.back();
  }

  Finding& add_text(const std::string& kind, const std::string& subject,
                    const std::string& text_name, const Values& values) {
    const RuleText& text = rules_.text(text_name);
    return add(kind, subject, text.severity, fill_text(text.title, values),
               fill_text(text.detail, values), fill_text(text.see, values), text.prov);
  }

  double threshold(const char* name) const { return rules_.threshold(name).value; }
  const Provenance& threshold_prov(const char* name) const { return rules_.threshold(name).prov; }

  bool adult() const { return p_.age >= threshold("adult_from_y"); }

  bool has_condition(const std::string& id) const { return condition_ids_.count(id) > 0; }

  bool has_condition_role(const std::string& role) const {
    for (const auto& id : condition_ids_)
      if (const Condition* c = kb_.condition(id); c && c->has_role(role)) return true;
    return false;
  }

  bool pregnant() const { return p_.pregnant || has_condition_role("pregnancy"); }
  bool breastfeeding() const { return p_.breastfeeding || has_condition_role("breastfeeding"); }

  bool rls_suspected() const {
    const auto& s = p_.symptoms;
    return has_condition_role("rls") || s.urge_to_move_legs.value_or(false) ||
           s.worse_at_rest.value_or(false) || s.relieved_by_movement.value_or(false) ||
           s.worse_evening_or_night.value_or(false) || s.irls_total.value_or(0) > 0;
  }

  std::string suggestion_text(const std::optional<std::string>& suggestion) const {
    return suggestion
               ? " Did you mean \"" + *suggestion + "\"? (willis does not correct names by itself.)"
               : "";
  }

  // ---- names ----
  void resolve_items() {
    for (std::size_t idx = 0; idx < p_.medicines.size(); ++idx) {
      const auto& entry = p_.medicines[idx];
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
      resolve(item, entry.route, entry.every);
      items_.push_back(std::move(item));
    }
    for (std::size_t idx = 0; idx < p_.supplements.size(); ++idx) {
      const auto& entry = p_.supplements[idx];
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
      resolve(item, std::nullopt, std::nullopt);
      items_.push_back(std::move(item));
    }
    for (auto& item : items_) report_resolution(item);
  }

  /// One look-up for every item, whichever list it was typed in: magnesium forms and products,
  /// then medicines (iron or levothyroxine typed as a supplement is still a medicine).
  void resolve(Item& item, std::optional<Route> route, std::optional<Every> every) {
    const std::string normalized = normalize_name(item.name);
    if (route) {
      item.route = *route;
    } else {
      for (const auto& [name, words] : rules_.route_words)
        for (const auto& word : words)
          if (item.route == Route::oral && has_phrase(normalized, word))
            if (auto parsed = parse_route(name)) item.route = *parsed;
    }
    if (every) {
      item.every = *every;
    } else {
      for (const auto& word : rules_.weekly_words)
        if (has_phrase(normalized, word)) item.every = Every::week;
      for (const auto& word : rules_.monthly_words)
        if (has_phrase(normalized, word)) item.every = Every::month;
    }
    const SupplementMatch as_magnesium = names_.supplement(item.name);
    // A route read from the name of a combination ("Aralen/iron sucrose (intravenous)") could
    // belong to one part only: keep every part's oral window (fail closed) unless `route:` was
    // given.
    const auto name_route_is_ambiguous = [&](std::size_t parts) {
      if (!route && parts > 1) item.route = Route::oral;
    };
    if (as_magnesium.kind != SupplementMatch::Kind::unknown) {
      item.magnesium = as_magnesium;
      return;
    }
    const MedicineMatch match = names_.medicine(item.name);
    for (const auto& id : match.ids) {
      const Medicine* med = kb_.medicine(id);
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
    name_route_is_ambiguous(match.ids.size() + match.unknown.size());
    for (const auto& part : match.unknown) {
      // A magnesium form named as one part of a combination ("magnesium citrate/zinc").
      const SupplementMatch part_magnesium = names_.supplement(part);
      if (part_magnesium.kind == SupplementMatch::Kind::unknown) {
        item.unknown.push_back(part);
      } else {
        if (item.magnesium.kind == SupplementMatch::Kind::unknown) item.magnesium = part_magnesium;
        item.magnesium_in_combination = true;
      }
    }
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
            return contains(rules_.sleep_blend_classes, cls);
          });
        }))
      item.magnesium_in_combination =
          false;  // a sleep blend: `amount` is its magnesium (docs/contract.md)
    if (item.magnesium_in_combination && item.medicines.empty() && item.unknown.empty() &&
        item.magnesium.kind != SupplementMatch::Kind::unknown && match.ids.size() <= 1)
      item.magnesium_in_combination = false;
  }

  void report_resolution(const Item& item) {
    Resolution resolution{item.field, item.name, {}};
    for (const auto* med : item.medicines) resolution.ids.push_back(med->id);
    if (item.magnesium.kind != SupplementMatch::Kind::unknown && !item.magnesium.id.empty())
      resolution.ids.push_back(item.magnesium.id);
    out_.resolved.push_back(std::move(resolution));
    const bool known_parts =
        !item.medicines.empty() || item.magnesium.kind != SupplementMatch::Kind::unknown;
    for (const auto& part : item.unknown) {
      const bool supplement_text = item.listed_as_supplement && !known_parts;
      add_text("unrecognised", names_.slug(part),
               supplement_text ? "unrecognised_supplement" : "unrecognised_medicine",
               {{"name", part},
                {"suggestion", suggestion_text(supplement_text ? names_.suggest_supplement(part)
                                                               : names_.suggest_medicine(part))}});
      unresolve(item.field, part, "unknown", "unresolved_unknown", {{"name", part}});
    }
  }

  /// Something the timetable (and, for unknowns and amounts, the plan) must wait for.
  void unresolve(const std::string& field, const std::string& what, const std::string& missing,
                 const char* text_name, const Values& values) {
    const RuleText& text = rules_.text(text_name);
    Unresolved u;
    u.medicines = {what};
    u.field = field;
    u.missing = missing;
    u.reason = fill_text(text.title, values);
    u.ask = fill_text(text.detail, values);
    if (!pending_keys_.insert(u.field + '\n' + u.missing + '\n' + what).second) return;
    pending_.push_back(std::move(u));
  }

  void resolve_conditions() {
    for (std::size_t idx = 0; idx < p_.conditions.size(); ++idx) {
      const auto& name = p_.conditions[idx];
      Resolution resolution{"conditions[" + std::to_string(idx) + "]", name, {}};
      if (auto id = names_.condition(name)) {
        condition_ids_.insert(*id);
        resolution.ids.push_back(*id);
      } else {
        add_text("unrecognised", names_.slug(name), "unrecognised_condition",
                 {{"name", name}, {"suggestion", suggestion_text(names_.suggest_condition(name))}});
        // A condition willis does not know could rule magnesium out, so the plan and the
        // timetable wait for it (fail closed); kidney words also count as kidney disease.
        unresolve(resolution.field, name, "unknown-condition", "unresolved_condition",
                  {{"name", name}});
        if (names_.mentions_kidneys(name)) unknown_kidney_condition_ = name;
      }
      out_.resolved.push_back(std::move(resolution));
    }
  }

  // ---- red flags ----
  void red_flags() {
    const std::string jurisdiction = to_string(p_.jurisdiction);
    for (std::size_t idx = 0; idx < p_.symptoms.red_flags.size(); ++idx) {
      const auto& given = p_.symptoms.red_flags[idx];
      Resolution resolution{"symptoms.red_flags[" + std::to_string(idx) + "]", given, {}};
      const auto id = names_.red_flag(given);
      const RedFlag* flag = id ? kb_.red_flag(*id) : nullptr;
      if (!flag) {
        add_text("unrecognised", names_.slug(given), "unrecognised_flag",
                 {{"name", given}, {"suggestion", ""}});
        unresolve(resolution.field, given, "unknown-symptom", "unresolved_symptom",
                  {{"name", given}});
        out_.resolved.push_back(std::move(resolution));
        continue;
      }
      resolution.ids.push_back(flag->id);
      out_.resolved.push_back(std::move(resolution));
      const auto see = flag->see.count(jurisdiction) ? flag->see.at(jurisdiction) : std::string();
      Finding& f =
          add("red-flag", flag->id, Severity::urgent, flag->title,
              flag->action + " Possible cause: " + flag->possible_cause + ".", see, flag->prov);
      f.data.emplace_back("emergency", flag->emergency);
    }
  }

  // ---- age ----
  void age_rules() {
    if (p_.age < threshold("infant_below_y")) {
      add_text("contraindication", "infant", "infant", {});
    } else if (!adult()) {
      const auto limit = upper_limit();
      // A sleep-only profile (no RLS symptoms) gets sleep wording (issue 15); every other keeps
      // "child".
      add_text("caution", "child", sleep_only() ? "child_sleep" : "child",
               {{"age", format_number(p_.age)},
                {"limit", limit && limit->mg ? format_number(*limit->mg) : "no"}});
    }
  }

  // ---- labs ----
  /// From this age, or with kidney disease, an old eGFR or serum magnesium does not count.
  bool labs_must_be_recent() const {
    return p_.age >= threshold("lab_freshness_age_from_y") || has_condition_role("kidney") ||
           has_condition_role("kidney-moderate") || has_condition_role("kidney-severe") ||
           !unknown_kidney_condition_.empty();
  }

  /// A dated result older than the freshness limit, or dated when "today" is unknown.
  bool out_of_date(const std::optional<CalendarDate>& date) const {
    if (!date)
      return false;  // a plain number is the person's current value (the contract allows it)
    if (!p_.as_of) return true;
    return days_between(*date, *p_.as_of) > threshold("lab_fresh_days");
  }

  void record_labs() {
    const auto& labs = p_.labs;
    const auto use = [&](const char* name, const std::optional<double>& value, const char* unit,
                         const std::optional<CalendarDate>& date) {
      if (!value) return;
      out_.labs.push_back(LabUse{name, *value, unit, date, out_of_date(date)});
    };
    use("egfr", labs.egfr, "mL/min/1.73m2", labs.egfr_date);
    use("serum_magnesium_mmol_l", labs.serum_magnesium_mmol_l, "mmol/L", labs.serum_magnesium_date);
    use("ferritin_ng_ml", labs.ferritin_ng_ml, "ng/mL", labs.ferritin_date);
    use("tsat_percent", labs.tsat_percent, "%", labs.tsat_date);
  }

  static std::string two_decimals(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
  }

  std::string dated(const std::optional<CalendarDate>& date) const {
    return date ? "measured " + date->str() : "date not given";
  }

  // ---- kidneys ----
  void kidney_rules() {
    const double severe_below = threshold("egfr_contraindicated_below");
    const double caution_below = threshold("egfr_caution_below");
    const auto& egfr = p_.labs.egfr;
    const bool stale = egfr && out_of_date(p_.labs.egfr_date);
    const bool recent_needed = labs_must_be_recent();
    // An old low result still rules magnesium out; an old normal one cannot reassure.
    const std::optional<double> usable = egfr && !(stale && recent_needed) ? egfr : std::nullopt;
    std::string reason;
    if (egfr && *egfr < severe_below) {
      reason = "Your eGFR is " + format_number(*egfr) + " mL/min/1.73m2 (" +
               dated(p_.labs.egfr_date) + ").";
    } else {
      for (const auto& id : condition_ids_)
        if (const Condition* c = kb_.condition(id); c && c->has_role("kidney-severe"))
          reason = "You listed " + c->name + ".";
    }
    if (!reason.empty()) {
      Finding& f = add_text("contraindication", "severe-renal-impairment", "kidney_severe",
                            {{"reason", reason}, {"threshold", format_number(severe_below)}});
      if (egfr) f.data.emplace_back("egfr", *egfr);
      f.data.emplace_back("egfr_threshold", severe_below);
      return;
    }
    const bool kidney_disease = has_condition_role("kidney") ||
                                has_condition_role("kidney-moderate") ||
                                !unknown_kidney_condition_.empty();
    if (egfr && !usable) {
      const std::string why =
          kidney_disease
              ? "you have kidney disease"
              : "you are " + format_number(threshold("lab_freshness_age_from_y")) + " or older";
      const Values values = {{"value", format_number(*egfr)},
                             {"date", p_.labs.egfr_date ? p_.labs.egfr_date->str() : "no date"},
                             {"months", format_number(threshold("lab_fresh_days") / 30.5)},
                             {"why", why},
                             {"threshold", format_number(severe_below)}};
      if (kidney_disease) {
        Finding& f =
            add_text("contraindication", "kidney-function-unknown", "kidney_out_of_date", values);
        f.data.emplace_back("egfr", *egfr);
        f.data.emplace_back("egfr_out_of_date", true);
        return;
      }
      // 65 or older, no kidney disease listed: the old result does not count; ask for a new one.
      add_text("caution", "egfr-out-of-date", "egfr_out_of_date", values)
          .data.emplace_back("egfr", *egfr);
      return;
    }
    if (usable && *usable < caution_below) {
      Finding& f = add_text("caution", "chronic-kidney-disease", "kidney_caution",
                            {{"egfr", format_number(*usable)}});
      f.data.emplace_back("egfr", *usable);
      if (!threshold_prov("egfr_caution_below").verified) f.verified = false;
      return;
    }
    if (usable) return;
    if (has_condition_role("kidney") || !unknown_kidney_condition_.empty()) {
      add_text("contraindication", "kidney-function-unknown", "kidney_unknown",
               {{"threshold", format_number(severe_below)}});
      return;
    }
    for (const auto& id : condition_ids_)
      if (const Condition* c = kb_.condition(id); c && c->has_role("kidney-moderate"))
        add_text("caution", "ckd-stage-3", "kidney_stage3",
                 {{"name", c->name}, {"threshold", format_number(severe_below)}});
  }

  bool takes_medicine(const std::string& id) const {
    for (const auto& item : items_)
      for (const auto* med : item.medicines)
        if (med->id == id) return true;
    return false;
  }

  void serum_magnesium_rules() {
    const auto& mg = p_.labs.serum_magnesium_mmol_l;
    if (!mg) return;
    const std::string value = two_decimals(*mg) + " (" + dated(p_.labs.serum_magnesium_date) + ")";
    const bool stale = out_of_date(p_.labs.serum_magnesium_date) && labs_must_be_recent();
    // Abnormal results count however old they are; an old normal result is only noted.
    if (*mg < threshold("serum_mg_severe_below")) {
      const std::string digoxin = takes_medicine("digoxin")
                                      ? " You take digoxin: low magnesium makes digoxin side "
                                        "effects, including dangerous heart rhythms, more likely."
                                      : "";
      Finding& f = add_text("contraindication", "severe-hypomagnesaemia", "serum_mg_severe",
                            {{"value", value},
                             {"threshold", two_decimals(threshold("serum_mg_severe_below"))},
                             {"digoxin", digoxin}});
      f.data.emplace_back("serum_magnesium_mmol_l", *mg);
    } else if (*mg > threshold("serum_mg_high_above")) {
      add_text("contraindication", "hypermagnesaemia", "serum_mg_high",
               {{"value", value}, {"threshold", two_decimals(threshold("serum_mg_high_above"))}})
          .data.emplace_back("serum_magnesium_mmol_l", *mg);
    } else if (*mg < threshold("serum_mg_low_below")) {
      add_text("caution", "low-serum-magnesium", "serum_mg_low", {{"value", value}})
          .data.emplace_back("serum_magnesium_mmol_l", *mg);
    } else if (*mg > threshold("serum_mg_reference_high_above")) {
      add_text("caution", "serum-magnesium-above-range", "serum_mg_above_range",
               {{"value", value},
                {"high", two_decimals(threshold("serum_mg_reference_high_above"))},
                {"threshold", two_decimals(threshold("serum_mg_high_above"))}})
          .data.emplace_back("serum_magnesium_mmol_l", *mg);
    } else if (stale) {
      out_.notes.push_back("Your serum magnesium result (" + value + ") is more than " +
                           format_number(threshold("lab_fresh_days") / 30.5) +
                           " months old, so willis did not take it as current.");
    }
  }

  // ---- conditions with their own findings ----
  void add_condition_finding(const Condition& condition) {
    if (!condition.finding) return;
    const auto& t = *condition.finding;
    add(t.kind, condition.id, t.severity, t.title, t.detail, t.see, t.prov);
  }

  void condition_findings() {
    for (const auto& id : condition_ids_)
      if (const Condition* c = kb_.condition(id)) add_condition_finding(*c);
    // The contract's pregnant/breastfeeding flags mean the same as listing the condition.
    for (const auto& role : {std::string("pregnancy"), std::string("breastfeeding")}) {
      if (role == "pregnancy" ? !p_.pregnant : !p_.breastfeeding) continue;
      for (const auto& c : kb_.conditions)
        if (c.has_role(role)) add_condition_finding(c);
    }
    if (has_condition("nocturnal-leg-cramps")) add_evidence("leg-cramps");
  }

  // ---- medicines ----
  /// The entries of `kind` that apply to `med`: explicit mentions beat class-level entries.
  std::vector<const Interaction*> entries_for(const Medicine& med, const std::string& kind) const {
    std::vector<const Interaction*> explicit_entries, class_entries;
    for (const auto& entry : kb_.interactions) {
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

  /// The day a weekly or monthly medicine's window applies, as the timetable names it.
  static std::string window_day(const Item& item) {
    if (item.every == Every::day) return "";
    if (item.every == Every::week)
      return item.on_day.empty() ? "the day you take it (weekly)" : item.on_day;
    return item.on_day.empty() ? "the day you take it (monthly)"
                               : "day " + item.on_day + " of the month";
  }

  void medicine_findings() {
    for (const auto& item : items_) {
      for (const Medicine* med : item.medicines) {
        const Values values = {{"medicine", med->name}};
        for (const char* kind : {"interaction", "depletion", "caution"}) {
          for (const Interaction* entry : entries_for(*med, kind)) {
            const bool separate = std::string(kind) == "interaction" && entry->action == "separate";
            if (separate && item.route != Route::oral) {
              // Eye drops, creams, inhalers and injections do not meet magnesium in the gut.
              Finding& f = add_text(
                  "interaction", med->id + "-" + to_string(item.route), "route_not_oral",
                  {{"medicine", med->name}, {"name", item.name}, {"route", to_string(item.route)}});
              for (const auto& source : entry->prov.sources)
                if (!contains(f.sources, source)) f.sources.push_back(source);
              f.data.emplace_back("route", std::string(to_string(item.route)));
              continue;
            }
            Values filled = values;
            filled.emplace_back("after_h", format_number(entry->after_h()));
            filled.emplace_back("before_h", format_number(entry->before_h()));
            Finding& f = add(kind, med->id, entry->severity, fill_text(entry->title, filled),
                             fill_text(entry->detail, filled), "your pharmacist", entry->prov);
            if (std::string(kind) == "interaction" && f.data.empty()) {
              f.data.emplace_back("action", entry->action);
              if (separate) {
                f.data.emplace_back("magnesium_after_drug_h", entry->after_h());
                f.data.emplace_back("magnesium_before_drug_h", entry->before_h());
                for (const auto& window : entry->windows) {
                  f.windows.push_back({window.source, window.magnesium_after_drug_h,
                                       window.magnesium_before_drug_h});
                  if (!contains(f.sources, window.source)) f.sources.push_back(window.source);
                  if (!window.verified) f.verified = false;
                }
              }
            }
            // Every listing of the medicine keeps its window, not only the first.
            if (separate) {
              windows_.push_back(TimedWindow{med->id, item.name, item.times, entry->after_h(),
                                             entry->before_h(), window_day(item)});
              if (item.every != Every::day) f.data.emplace_back("day", window_day(item));
              if (item.times.empty())
                unresolve(item.field, med->id, "time", "unresolved_untimed",
                          {{"medicine", med->name}, {"name", item.name}});
            }
          }
        }
        exacerbating_medicine(*med);
        treatment_medicine(*med);
      }
    }
  }

  void exacerbating_medicine(const Medicine& med) {
    std::string group;
    if (contains(rules_.exacerbating_medicines, med.id)) group = med.name;
    for (const auto& cls : med.classes)
      if (group.empty() && contains(rules_.exacerbating_classes, cls))
        for (const auto& c : kb_.classes)
          if (c.id == cls) group = c.name;
    if (group.empty() || sleep_only())
      return;  // sleep-only: sleep:medicine-may-disturb speaks instead
    add_text("exacerbating", med.id, "exacerbating_medicine",
             {{"medicine", med.name}, {"group", group}});
  }

  /// How one treatment entry reads in a sentence: "AASM 2024 (us, eu): against standard use,
  /// conditional".
  std::string describe(const Treatment& t) const {
    std::string text = t.guideline;
    if (const auto source = kb_.sources.find(t.guideline); source != kb_.sources.end()) {
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

  void treatment_medicine(const Medicine& med) {
    std::vector<const Treatment*> about;
    for (const auto& t : kb_.treatments)
      if (contains(t.medicines, med.id)) about.push_back(&t);
    if (about.empty()) return;
    const bool augmentation = std::any_of(
        about.begin(), about.end(), [](const Treatment* t) { return t->id == "augmentation"; });
    if (augmentation) {
      std::vector<std::string> sides;
      Provenance prov = rules_.text("dopamine_agonist").prov;
      for (const Treatment* t : about) {
        if (t->id == "augmentation") continue;
        sides.push_back(describe(*t) + ".");
        for (const auto& s : t->prov.sources)
          if (!contains(prov.sources, s)) prov.sources.push_back(s);
      }
      const RuleText& text = rules_.text("dopamine_agonist");
      const Values values = {
          {"medicine", med.name},
          {"sides", sides.empty() ? "" : "What guidelines say: " + join(sides, " ", " ")}};
      add("treatment", med.id, text.severity, fill_text(text.title, values),
          fill_text(text.detail, values), text.see, prov);
      return;
    }
    for (const Treatment* t : about) {
      if (t->direction != "against" || !t->superseded_by.empty()) continue;
      const RuleText& text = rules_.text("advised_against");
      const std::string guideline = kb_.sources.count(t->guideline) ? describe(*t) : t->guideline;
      const Values values = {{"medicine", med.name}, {"guideline", guideline}, {"note", t->note}};
      add("treatment", med.id, text.severity, fill_text(text.title, values),
          fill_text(text.detail, values), text.see, t->prov);
      return;
    }
  }

  // ---- dose ----
  const UpperLimit* upper_limit() const {
    for (const auto& limit : kb_.upper_limits)
      if (limit.jurisdiction == p_.jurisdiction && p_.age >= limit.age_from_y &&
          (!limit.age_below_y || p_.age < *limit.age_below_y))
        return &limit;
    return nullptr;
  }

  const ReferenceIntake* reference_intake(Jurisdiction jurisdiction) const {
    const std::string sex = p_.sex == Sex::female ? "female" : p_.sex == Sex::male ? "male" : "";
    for (const auto& intake : kb_.reference_intakes) {
      if (intake.jurisdiction != jurisdiction || p_.age < intake.age_from_y ||
          (intake.age_below_y && p_.age >= *intake.age_below_y))
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

  /// Elemental magnesium per dose of a KB product; nullopt when the amount's unit cannot be read
  /// for it.
  std::optional<double> product_per_dose(const Item& item, const MagnesiumContent& content,
                                         bool& assumed) const {
    if (!item.amount) {
      assumed = true;  // one labelled unit (one tablet, sachet or 5 mL dose), said in the notes
      return content.elemental_mg;
    }
    const Quantity& q = *item.amount;
    if (auto mg = ion_mg(q)) return *mg;
    if (auto mass = mass_mg(q)) {
      const bool elemental = item.basis ? *item.basis == AmountBasis::elemental : !content.salt_mg;
      if (elemental) return *mass;
      return *mass / *content.salt_mg * content.elemental_mg;
    }
    if (q.unit == "ml" || q.unit == "l") {
      if (!content.per_ml) return std::nullopt;
      return (q.unit == "l" ? q.value * 1000 : q.value) / *content.per_ml * content.elemental_mg;
    }
    // A count must be of the unit the label states ("1 sachet" of a tablet product is not
    // countable).
    const bool same_unit = q.unit.empty() || q.unit == "dose" || q.unit == content.per;
    if (count_unit(q.unit) && !content.per_ml && same_unit) return q.value * content.elemental_mg;
    return std::nullopt;
  }

  void count_magnesium(Item& item) {
    const SupplementMatch& match = item.magnesium;
    Contribution c{item.name, "supplement", 0, std::nullopt, true};
    const int per_day = item.per_day;
    auto not_counted = [&](const std::string& hint) {
      c.counted = false;
      add_text("dose", "amount-not-counted", "unresolved_amount",
               {{"name", item.name}, {"hint", hint}});
      unresolve(item.field, item.name, "amount", "unresolved_amount",
                {{"name", item.name}, {"hint", hint}});
    };
    if (item.prescribed) prescribed_.push_back(&item);
    if (match.kind == SupplementMatch::Kind::topical) {
      c.source_kind = "topical";
      c.counted = false;
      add_text("dose", "topical", "dose_topical", {{"name", item.name}});
      add_evidence("transdermal");
      any_topical_ = true;
    } else if (item.magnesium_in_combination) {
      not_counted("the mg of elemental magnesium per dose, from the label's magnesium line");
    } else if (match.kind == SupplementMatch::Kind::product) {
      const Medicine* product = kb_.medicine(match.id);
      const MagnesiumContent& content = *product->magnesium;
      if (content.use != "supplement") c.source_kind = content.use;
      bool assumed = false;
      const auto per_dose = product_per_dose(item, content, assumed);
      if (!per_dose) {
        not_counted(content.per_ml
                        ? "in mL, or in mg of " + content.salt
                        : "as a number of " +
                              (content.per.empty() ? std::string("tablets") : content.per + "s") +
                              ", or mg");
      } else {
        c.elemental_mg_per_day = *per_dose * per_day;
        if (assumed)
          out_.notes.push_back(
              "Magnesium in \"" + item.name + "\" counted as one " +
              (content.per_ml ? format_number(*content.per_ml) + " mL dose" : content.per) +
              " per dose (no amount given).");
        if (item.per_day_assumed)
          out_.notes.push_back("\"" + item.name +
                               "\" counted once a day (no times or doses per day given).");
      }
      if (content.use == "supplement" || item.listed_as_supplement) {
        if (const Salt* salt = kb_.salt(content.salt)) current_forms_.push_back(salt->form);
      } else if (c.counted) {
        medicine_magnesium_mg_ += c.elemental_mg_per_day;
      }
    } else {
      // A form or salt ("magnesium citrate") or magnesium alone: the amount must say how much.
      std::optional<Quantity> amount = item.amount;
      if (!amount) {
        amount = strength_in_name(item.name);
        if (amount && amount->unit == "mg" && !item.basis)
          out_.notes.push_back("The " + format_number(amount->value) + " mg in \"" + item.name +
                               "\" was counted as elemental magnesium (the higher count); if the "
                               "label means the whole salt, "
                               "set amount_basis: compound.");
      }
      current_forms_.push_back(match.form_id);
      if (!amount) {
        c.counted = false;
        add_text("dose", "amount-missing", "dose_amount_missing", {{"name", item.name}});
        unresolve(item.field, item.name, "amount", "unresolved_amount",
                  {{"name", item.name}, {"hint", "mg of elemental magnesium per dose"}});
      } else if (auto ion = ion_mg(*amount)) {
        c.elemental_mg_per_day = *ion * per_day;
      } else if (auto mass = mass_mg(*amount)) {
        // Grams of a salt ("Epsom salts 10 g") are the salt's weight: no one takes grams of
        // elemental magnesium. Otherwise the contract's default: elemental, as labels state it.
        const AmountBasis basis = item.basis.value_or(amount->unit == "g" ? AmountBasis::compound
                                                                          : AmountBasis::elemental);
        if (basis == AmountBasis::elemental) {
          c.elemental_mg_per_day = *mass * per_day;
        } else {
          // Compound amount: the salt's fraction, or the range across the form's hydrates.
          double low = 100, high = 0;
          for (const auto& salt : kb_.salts) {
            if (!match.form_id.empty() || match.kind == SupplementMatch::Kind::salt)
              if (match.kind == SupplementMatch::Kind::salt ? salt.id != match.id
                                                            : salt.form != match.form_id)
                continue;
            low = std::min(low, salt.percent());
            high = std::max(high, salt.percent());
          }
          c.elemental_mg_per_day = *mass * high / 100 * per_day;
          if (high - low > 1e-9) {
            c.low_mg_per_day = *mass * low / 100 * per_day;
            Finding& f = add_text("dose", "compound-amount", "dose_compound",
                                  {{"name", item.name},
                                   {"amount", format_number(*mass)},
                                   {"low", format_number(*mass * low / 100)},
                                   {"high", format_number(*mass * high / 100)}});
            f.data.emplace_back("elemental_low_mg", *mass * low / 100);
            f.data.emplace_back("elemental_high_mg", *mass * high / 100);
          }
        }
      } else {
        not_counted(
            "in mg, g or mmol of magnesium: willis knows no strength or concentration for '" +
            item.name + "'");
      }
    }
    if (item.prescribed && c.counted) prescribed_mg_ += c.elemental_mg_per_day;
    out_.magnesium.contributions.push_back(c);
  }

  void dose_rules() {
    for (auto& item : items_)
      if (item.magnesium.kind != SupplementMatch::Kind::unknown) count_magnesium(item);
    auto& mg = out_.magnesium;
    double total = 0, low = 0;
    bool indeterminate = false;
    for (const auto& c : mg.contributions) {
      if (!c.counted) continue;
      total += c.elemental_mg_per_day;
      low += c.low_mg_per_day.value_or(c.elemental_mg_per_day);
      indeterminate = indeterminate || c.low_mg_per_day.has_value();
    }
    supplement_mg_ = total - medicine_magnesium_mg_;
    mg.supplemental_elemental_mg = total;
    if (indeterminate) mg.supplemental_low_mg = low;
    const UpperLimit* limit = upper_limit();
    if (limit) {
      mg.upper_limit_mg = limit->mg;
      mg.upper_limit_kind = limit->kind;
      mg.upper_limit_sources = limit->prov.sources;
      mg.upper_limit_note = limit->note;
      if (!limit->prov.verified)
        out_.notes.push_back("The upper limit used (" +
                             (limit->mg ? format_number(*limit->mg) + " mg" : std::string("none")) +
                             ") rests on a KB entry marked unverified: " + limit->note);
    }
    // Magnesium prescribed as treatment is outside the supplement limit (the prescriber's to
    // judge).
    if (limit && limit->mg && total - prescribed_mg_ > *limit->mg + 1e-9) {
      const std::string authority = limit->jurisdiction == Jurisdiction::uk   ? "UK"
                                    : limit->jurisdiction == Jurisdiction::us ? "US"
                                                                              : "EU";
      const RuleText& text = rules_.text("dose_upper_limit");
      const Values values = {{"total", format_number(total - prescribed_mg_)},
                             {"limit", format_number(*limit->mg)},
                             {"limit_kind", limit->kind == "ul" ? "upper level" : "guidance level"},
                             {"authority", authority}};
      Finding& f = add("dose", "upper-limit", text.severity, fill_text(text.title, values),
                       fill_text(text.detail, values), text.see, limit->prov);
      f.verified = limit->prov.verified;
      f.data.emplace_back("supplemental_elemental_mg", total);
      f.data.emplace_back("upper_limit_mg", *limit->mg);
    }
    // Food: compared with the reference intake; never counted toward the limit.
    const ReferenceIntake* intake = reference_intake(p_.jurisdiction);
    if (!intake && p_.jurisdiction != Jurisdiction::us) {
      intake = reference_intake(Jurisdiction::us);
      if (intake)
        out_.notes.push_back(
            std::string("No ") + (p_.jurisdiction == Jurisdiction::uk ? "UK" : "EU") +
            " reference intake is encoded for this age/sex/state; the US RDA is shown.");
    }
    if (intake) {
      mg.reference_intake_mg = intake->mg;
      mg.reference_intake_kind = intake->kind;
      mg.reference_intake_sources = intake->prov.sources;
    }
    if (p_.diet_magnesium_mg_per_day) {
      mg.dietary_mg = *p_.diet_magnesium_mg_per_day;
      if (intake) {
        const double diet = *p_.diet_magnesium_mg_per_day;
        const std::string comparison =
            diet >= intake->mg ? "Your food alone reaches it."
                               : "Your food gives about " + format_number(diet / intake->mg * 100) +
                                     " % of it; more magnesium-rich food is one option.";
        const std::string kind = intake->kind == "rda"   ? "recommended dietary allowance (RDA)"
                                 : intake->kind == "rni" ? "reference nutrient intake (RNI)"
                                                         : "adequate intake (AI)";
        Finding& f = add_text("dose", "diet", "dose_diet",
                              {{"diet", format_number(diet)},
                               {"reference", format_number(intake->mg)},
                               {"reference_kind", kind},
                               {"comparison", comparison}});
        for (const auto& s : intake->prov.sources)
          if (!contains(f.sources, s)) f.sources.push_back(s);
      }
    }
  }

  // ---- RLS ----
  void rls_rules() {
    const auto& s = p_.symptoms;
    if (s.explained_by_other_condition.value_or(false))
      add_text("rls", "other-explanation", "other_explanation", {});
    if (s.irls_total) {
      std::string band;
      for (const auto& b : rules_.irls_bands)
        if (*s.irls_total >= b.from && *s.irls_total <= b.to) band = b.label;
      Finding& f = add_text("rls", "severity", "irls_severity",
                            {{"total", std::to_string(*s.irls_total)}, {"band", band}});
      f.data.emplace_back("irls_total", static_cast<double>(*s.irls_total));
      f.data.emplace_back("band", band);
    }
    if (!rls_suspected()) return;
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
    if (missing.empty()) {
      add_text("rls", "criteria-met", "criteria_met", {});
    } else if (s.urge_to_move_legs || s.worse_at_rest || s.relieved_by_movement ||
               s.worse_evening_or_night || s.explained_by_other_condition) {
      add_text("rls", "criteria-not-met", "criteria_not_met", {{"missing", join(missing)}});
    }
  }

  void iron_rules() {
    if (!rls_suspected()) return;
    const auto& labs = p_.labs;
    std::vector<std::string> missing;
    if (!labs.ferritin_ng_ml) missing.push_back("ferritin");
    if (!labs.tsat_percent) missing.push_back("transferrin saturation (TSAT)");
    if (!missing.empty()) add_text("iron", "check", "iron_check", {{"missing", join(missing)}});
    const IronRule* rule = nullptr;
    for (const auto& r : rules_.iron)
      if (r.jurisdiction == p_.jurisdiction) rule = &r;
    if (!rule) return;
    std::string reason, which;
    Provenance prov = rule->prov;
    if (!adult()) {
      const double below = threshold("child_ferritin_treat_below");
      if (labs.ferritin_ng_ml && *labs.ferritin_ng_ml < below) {
        reason = "Your ferritin is " + format_number(*labs.ferritin_ng_ml) + " ng/mL.";
        which = "children: ferritin below " + format_number(below) + " ng/mL";
        prov = threshold_prov("child_ferritin_treat_below");
      }
    } else {
      const bool ferritin_low =
          labs.ferritin_ng_ml &&
          ((rule->ferritin_treat_at_or_below >= 0 &&
            *labs.ferritin_ng_ml <= rule->ferritin_treat_at_or_below) ||
           (rule->ferritin_treat_below >= 0 && *labs.ferritin_ng_ml < rule->ferritin_treat_below));
      const bool tsat_low = labs.tsat_percent && *labs.tsat_percent < rule->tsat_treat_below;
      if (ferritin_low)
        reason += "Your ferritin is " + format_number(*labs.ferritin_ng_ml) +
                  " ng/mL (same as micrograms/L). ";
      if (tsat_low)
        reason += "Your transferrin saturation is " + format_number(*labs.tsat_percent) + " %. ";
      if (!reason.empty()) reason.pop_back();
      which = rule->ferritin_treat_at_or_below >= 0
                  ? "ferritin " + format_number(rule->ferritin_treat_at_or_below) + " ng/mL or less"
                  : "ferritin below " + format_number(rule->ferritin_treat_below) + " micrograms/L";
      which += ", or TSAT below " + format_number(rule->tsat_treat_below) + " %";
      if (reason.empty() && rule->ferritin_iv_only_up_to && labs.ferritin_ng_ml &&
          *labs.ferritin_ng_ml > rule->ferritin_treat_at_or_below &&
          *labs.ferritin_ng_ml <= *rule->ferritin_iv_only_up_to &&
          (!labs.tsat_percent || *labs.tsat_percent >= rule->tsat_treat_below)) {
        Finding& f = add_text("iron", "iv-band", "iron_iv_band",
                              {{"ferritin", format_number(*labs.ferritin_ng_ml)}});
        f.data.emplace_back("ferritin_ng_ml", *labs.ferritin_ng_ml);
      }
    }
    if (reason.empty()) return;
    const RuleText& text = rules_.text("iron_treat");
    const Values values = {{"reason", reason}, {"rule", which}};
    Finding& f = add("iron", "treat", text.severity, fill_text(text.title, values),
                     fill_text(text.detail, values), text.see, prov);
    f.verified = prov.verified;
    for (const auto& s : text.prov.sources)
      if (!contains(f.sources, s)) f.sources.push_back(s);
    if (labs.ferritin_ng_ml) f.data.emplace_back("ferritin_ng_ml", *labs.ferritin_ng_ml);
    if (labs.tsat_percent) f.data.emplace_back("tsat_percent", *labs.tsat_percent);
  }

  // ---- treatment options and evidence ----
  void add_evidence(const std::string& id) {
    const Evidence* e = kb_.evidence_entry(id);
    if (!e) return;
    Finding& f = add("evidence", id, Severity::info, e->title, e->detail, "", e->prov);
    f.data.emplace_back("certainty", e->certainty);
  }

  void treatment_and_evidence() {
    add_evidence("magnesium-sleep");
    if (!rls_suspected()) return;
    add_evidence("magnesium-rls");
    std::vector<std::string> options;
    Provenance prov = rules_.text("guideline_options").prov;
    prov.sources.clear();
    for (const auto& t : kb_.treatments) {
      if (!t.applies_to(p_.jurisdiction) || !t.superseded_by.empty()) continue;
      // Under-18s see only options recommended or licensed for their age.
      if (t.age_from_y && p_.age < *t.age_from_y) continue;
      if (t.direction != "for" && t.direction != "licensed" && t.direction != "off-label-use")
        continue;
      options.push_back(t.name + ": " + describe(t));
      for (const auto& s : t.prov.sources)
        if (!contains(prov.sources, s)) prov.sources.push_back(s);
      if (!t.prov.verified) prov.verified = false;
    }
    if (options.empty()) return;
    const RuleText& text = rules_.text("guideline_options");
    std::string intro = pregnant() || breastfeeding()
                            ? "In pregnancy and breastfeeding, RLS medicines are generally not "
                              "recommended; behavioural measures and iron come first. "
                            : "";
    const Values values = {
        {"options", intro + "Options the guidelines name, with their direction and strength: " +
                        join(options, "; ", "; ") + ". Magnesium is not among them."}};
    add("treatment", "guideline-options", text.severity, fill_text(text.title, values),
        fill_text(text.detail, values), text.see, prov);
  }

  void lifestyle_rules() {
    if (!rls_suspected()) return;
    if (p_.caffeine_drinks_per_day && *p_.caffeine_drinks_per_day > 0)
      add_text("exacerbating", "caffeine", "caffeine",
               {{"amount", format_number(*p_.caffeine_drinks_per_day)}});
    if (p_.alcohol_units_per_week && *p_.alcohol_units_per_week > 0)
      add_text("exacerbating", "alcohol", "alcohol",
               {{"amount", format_number(*p_.alcohol_units_per_week)}});
  }

  // ---- sleep (issue 15): the rules live in sleep_rules.cc ----
  bool sleep_only() const {
    return sleep_complaint(p_, has_condition("insomnia")) && !rls_suspected();
  }

  static constexpr const char* kCbtIEvidence = "cbt-i-insomnia";

  void sleep_findings_step() {
    SleepInput input;
    input.rls = rls_suspected();
    input.insomnia_condition = has_condition("insomnia");
    input.osa_condition = has_condition("obstructive-sleep-apnoea");
    for (const auto& item : items_)
      for (const Medicine* med : item.medicines) input.medicines.push_back(med);
    bool cbt_i = false;
    for (const auto& sf : sleep_findings(p_, kb_, input)) {
      Finding& f = add_text(sf.kind, sf.subject, sf.text, sf.values);
      for (const auto& d : sf.data) f.data.push_back(d);
      // A finding that recommends CBT-I names its evidence entry (kb/evidence.yaml), shown after
      // it.
      if (sf.subject == "cbt-i-first" && kb_.evidence_entry(kCbtIEvidence)) {
        f.data.emplace_back("evidence", std::string(kCbtIEvidence));
        cbt_i = true;
      }
    }
    if (cbt_i) add_evidence(kCbtIEvidence);
  }

  // ---- verdict, plan, timetable ----
  Severity verdict() const {
    Severity worst = Severity::info;
    for (const auto& f : out_.findings) worst = std::max(worst, f.severity);
    return worst;
  }

  /// Whether a plan may be shown; when not, says why (a finding) and returns false.
  bool plan_allowed() {
    for (const Item* item : prescribed_) {
      Finding& f = add_text("dose", "prescribed", "prescribed_magnesium", {{"name", item->name}});
      f.data.emplace_back("prescribed", true);
    }
    if (!prescribed_.empty()) {
      out_.notes.push_back(
          "No magnesium plan: magnesium is already prescribed for you; keep taking it as "
          "prescribed.");
      return false;
    }
    std::vector<std::string> what;
    for (const auto& u : pending_) {
      if (u.missing == "unknown")
        what.push_back("willis does not know '" + u.medicines.front() + "'");
      if (u.missing == "unknown-condition")
        what.push_back("willis does not know the condition '" + u.medicines.front() + "'");
      if (u.missing == "unknown-symptom")
        what.push_back("willis does not know the symptom '" + u.medicines.front() + "'");
      if (u.missing == "amount")
        what.push_back("the magnesium in '" + u.medicines.front() + "' is not counted");
    }
    if (what.empty()) return true;
    add_text("caution", "plan-withheld", "plan_withheld", {{"what", join(what)}});
    return false;
  }

  void make_plan() {
    auto& mg = out_.magnesium;
    if (verdict() >= Severity::avoid || !adult()) return;
    if (!plan_allowed()) return;
    const UpperLimit* limit = upper_limit();
    if (!limit || !limit->mg) return;
    const double ceiling = *limit->mg - medicine_magnesium_mg_;
    if (ceiling <= 0) {
      out_.notes.push_back(
          "No magnesium supplement plan: your antacids/laxatives already reach the limit.");
      return;
    }
    Plan plan;
    // Keep a form the person already takes; otherwise the KB's default (or gentler) form.
    std::string current;
    for (const auto& form : current_forms_)
      if (!form.empty()) current = form;
    std::string reason_text = "plan_form_reason";
    if (!current.empty()) {
      plan.form = current;
      reason_text = "plan_form_reason_current";
    } else if (p_.sensitive_stomach) {
      plan.form = rules_.sensitive_stomach_form;
      reason_text = "plan_form_reason_sensitive";
    } else {
      plan.form = rules_.default_form;
    }
    const RuleText& reason = rules_.text(reason_text);
    const Form* form = kb_.form(plan.form);
    plan.form_reason = fill_text(reason.detail, {{"form", form ? form->id : plan.form}});
    plan.form_sources = reason.prov.sources;
    plan.max_elemental_mg = ceiling;
    plan.start_elemental_mg = std::min(threshold("plan_start_mg"), ceiling);
    plan.review_after_weeks = static_cast<int>(threshold("plan_review_weeks"));
    if (supplement_mg_ > 0)
      out_.notes.push_back(
          "The plan replaces, and does not add to, the magnesium supplements you listed (" +
          format_number(supplement_mg_) + " mg a day now).");
    Finding& trial =
        add_text("lifestyle", "trial", sleep_only() ? "plan_trial_sleep" : "plan_trial",
                 {{"weeks", std::to_string(plan.review_after_weeks)}});
    trial.data.emplace_back("review_after_weeks", static_cast<double>(plan.review_after_weeks));
    mg.plan = plan;
  }

  /// Times of day at which no window of any listed medicine is open, nearest to `from` first.
  std::optional<ClockTime> nearest_clear_time(ClockTime from,
                                              const std::vector<TimedWindow>& windows) const {
    const auto clear = [&](ClockTime m) {
      for (const auto& window : windows)
        for (const auto& t : window.times)
          if (inside_window(m, t, window.after_h, window.before_h)) return false;
      return true;
    };
    for (int step = 0; step <= kMinutesPerDay / 2; step += 15)
      for (const int sign : {1, -1}) {
        const ClockTime m{((from.minutes + sign * step) % kMinutesPerDay + kMinutesPerDay) %
                          kMinutesPerDay};
        if (clear(m)) return m;
      }
    return std::nullopt;
  }

  /// Magnesium the person already takes at set times, checked against every window.
  void check_current_magnesium() {
    for (const auto& item : items_) {
      if (item.magnesium.kind == SupplementMatch::Kind::unknown ||
          item.magnesium.kind == SupplementMatch::Kind::topical || item.route != Route::oral)
        continue;
      for (const auto& mg_time : item.times)
        for (const auto& window : windows_)
          for (const auto& drug_time : window.times) {
            if (!inside_window(mg_time, drug_time, window.after_h, window.before_h)) continue;
            const Medicine* med = kb_.medicine(window.medicine);
            const std::string medicine = med ? med->name : window.name;
            const auto clear = nearest_clear_time(mg_time, windows_);
            const std::string suggestion =
                clear ? "The nearest time outside every keep-apart window is " + clear->str() + "."
                      : "No time of day is outside every keep-apart window.";
            Finding& f =
                add_text("interaction", "timing-" + names_.slug(item.name) + "-" + window.medicine,
                         "magnesium_collision",
                         {{"mg_name", item.name},
                          {"mg_time", mg_time.str()},
                          {"medicine", medicine},
                          {"drug_time", drug_time.str()},
                          {"after_h", format_number(window.after_h)},
                          {"before_h", format_number(window.before_h)},
                          {"suggestion", suggestion}});
            if (f.data.empty()) {
              f.data.emplace_back("magnesium_time", mg_time.str());
              f.data.emplace_back("drug_time", drug_time.str());
              if (clear) f.data.emplace_back("nearest_clear_time", clear->str());
              if (!window.day.empty()) f.data.emplace_back("day", window.day);
              for (const auto* interaction : entries_for(*med, "interaction"))
                for (const auto& source : interaction->prov.sources)
                  if (!contains(f.sources, source)) f.sources.push_back(source);
            }
          }
    }
  }

  void make_timetable() {
    auto& schedule = out_.schedule;
    schedule.wake = p_.day.wake;
    schedule.sleep = p_.day.sleep;
    for (const auto& window : windows_)
      if (window.times.empty() && !contains(schedule.untimed, window.medicine)) {
        schedule.untimed.push_back(window.medicine);
        const Medicine* med = kb_.medicine(window.medicine);
        out_.notes.push_back(fill_text(rules_.text("schedule_untimed").detail,
                                       {{"medicine", med ? med->name : window.name}}));
      }
    // Fail closed: anything willis could not check withholds every dose time.
    if (!pending_.empty()) {
      std::vector<std::string> items, asks;
      for (const auto& u : pending_) {
        items.push_back(u.missing == "time" ? u.reason : "'" + u.medicines.front() + "'");
        asks.push_back(u.ask);
      }
      schedule.unresolved = pending_;
      Finding& f = add_text("caution", "timetable-withheld", "timetable_withheld",
                            {{"items", join(items)}, {"asks", join(asks, " ", " ")}});
      std::vector<std::string> fields;
      for (const auto& u : pending_) fields.push_back(u.field);
      f.data.emplace_back("fields", fields);
      // Windows with times are still shown, so the person sees what they know so far.
      ScheduleRequest request;
      request.wake = p_.day.wake;
      request.sleep = p_.day.sleep;
      request.windows = windows_;
      schedule.keep_apart = make_schedule(request).keep_apart;
      return;
    }
    if (!out_.magnesium.plan) return;
    const Plan& plan = *out_.magnesium.plan;
    ScheduleRequest request;
    request.total_mg = plan.start_elemental_mg;
    request.dose_count = plan.start_elemental_mg >= threshold("split_from_mg") ? 2 : 1;
    request.wake = p_.day.wake;
    request.sleep = p_.day.sleep;
    request.meals = p_.day.meals;
    request.with_meals = p_.sensitive_stomach;
    request.evening_target_before_sleep_h = threshold("evening_target_before_sleep_h");
    request.windows = windows_;
    Schedule made = make_schedule(request);
    made.untimed = schedule.untimed;
    schedule = std::move(made);
    if (!schedule.unresolved.empty()) {
      std::vector<std::string> names;
      for (const auto& id : schedule.unresolved.front().medicines)
        if (const Medicine* med = kb_.medicine(id)) names.push_back(med->name);
      const std::string list = join(names);
      const RuleText& text = rules_.text("schedule_unresolved");
      schedule.unresolved.front().reason = fill_text(text.detail, {{"medicines", list}});
      schedule.unresolved.front().ask =
          "Ask your pharmacist when you could take magnesium around " + list + ".";
      schedule.unresolved.front().missing = "collision";
      Finding& f = add_text("caution", "no-safe-time", "no_safe_time", {{"medicines", list}});
      f.data.emplace_back("medicines", schedule.unresolved.front().medicines);
    }
  }

  void finish() {
    // Plan and timetable only when the verdict allows (findings so far decide).
    check_current_magnesium();
    make_plan();
    make_timetable();
    out_.verdict = verdict();
    if (out_.verdict >= Severity::avoid) {
      out_.magnesium.plan.reset();
      out_.schedule.doses.clear();
    }
    std::stable_sort(out_.findings.begin(), out_.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    std::vector<std::string> unverified;
    for (const auto& f : out_.findings) {
      for (const auto& s : f.sources)
        if (!contains(out_.sources, s)) out_.sources.push_back(s);
      if (!f.verified) unverified.push_back(f.id);
    }
    for (const auto* list :
         {&out_.magnesium.upper_limit_sources, &out_.magnesium.reference_intake_sources})
      for (const auto& s : *list)
        if (!contains(out_.sources, s)) out_.sources.push_back(s);
    if (out_.magnesium.plan)
      for (const auto& s : out_.magnesium.plan->form_sources)
        if (!contains(out_.sources, s)) out_.sources.push_back(s);
    if (!unverified.empty())
      out_.notes.push_back(
          "These findings rest on knowledge-base entries not fully verified against their primary "
          "source (a conservative choice was encoded): " +
          join(unverified, ", ", ", ") + ".");
  }

  const Kb& kb_;
  const NameIndex& names_;
  const Profile& p_;
  const Rules& rules_;
  Assessment out_;
  std::vector<Item> items_;
  std::vector<Unresolved> pending_;               ///< what the timetable waits for (fail closed)
  std::unordered_set<std::string> pending_keys_;  ///< field, kind and item of each, kept linear
  std::vector<const Item*> prescribed_;           ///< magnesium prescribed by a clinician
  double prescribed_mg_ = 0;
  std::string unknown_kidney_condition_;  ///< an unrecognised condition that names the kidneys
  std::unordered_map<std::string, std::size_t> finding_index_;
  std::set<std::string> condition_ids_;
  std::vector<TimedWindow> windows_;
  std::vector<std::string> current_forms_;
  double medicine_magnesium_mg_ = 0;
  double supplement_mg_ = 0;
  bool any_topical_ = false;
};

}  // namespace

Assessment assess(const Kb& kb, const NameIndex& names, const Profile& profile) {
  return Assessor(kb, names, profile).run();
}

Assessment assess(const Kb& kb, const Profile& profile) {
  const NameIndex names(kb);
  return Assessor(kb, names, profile).run();
}

}  // namespace willis::core
