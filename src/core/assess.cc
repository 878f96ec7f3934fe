#include "core/assess.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/schedule.h"

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

std::string fill_text(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (std::size_t at = 0; (at = text.find(placeholder, at)) != std::string::npos; at += value.size())
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

/// One listed medicine after name resolution.
struct ResolvedMedicine {
  const MedicineEntry* entry = nullptr;
  std::string field;
  std::vector<const Medicine*> medicines;
};

class Assessor {
 public:
  Assessor(const Kb& kb, const NameIndex& names, const Profile& profile)
      : kb_(kb), names_(names), p_(profile), rules_(kb.rules) {}

  Assessment run() {
    out_.kb_version = kb_.version;
    out_.jurisdiction = p_.jurisdiction;
    out_.disclaimer = rules_.disclaimer;
    resolve_medicines();
    resolve_conditions();
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
    finish();
    return std::move(out_);
  }

 private:
  // ---- helpers ----
  Finding& add(std::string kind, const std::string& subject, Severity severity, std::string title,
               std::string detail, std::string see, const Provenance& prov) {
    const std::string id = kind + ":" + subject;
    for (auto& existing : out_.findings)
      if (existing.id == id) return existing;  // one finding per subject
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

  Finding& add_text(const std::string& kind, const std::string& subject, const std::string& text_name,
                    const Values& values) {
    const RuleText& text = rules_.text(text_name);
    return add(kind, subject, text.severity, fill_text(text.title, values), fill_text(text.detail, values),
               fill_text(text.see, values), text.prov);
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
    return has_condition_role("rls") || s.urge_to_move_legs.value_or(false) || s.worse_at_rest.value_or(false) ||
           s.relieved_by_movement.value_or(false) || s.worse_evening_or_night.value_or(false) ||
           s.irls_total.value_or(0) > 0;
  }

  std::string suggestion_text(const std::optional<std::string>& suggestion) const {
    return suggestion ? " Did you mean \"" + *suggestion + "\"? (willis does not correct names by itself.)" : "";
  }

  // ---- names ----
  void resolve_medicines() {
    for (std::size_t idx = 0; idx < p_.medicines.size(); ++idx) {
      const auto& entry = p_.medicines[idx];
      ResolvedMedicine resolved;
      resolved.entry = &entry;
      resolved.field = "medicines[" + std::to_string(idx) + "]";
      const MedicineMatch match = names_.medicine(entry.name);
      for (const auto& id : match.ids)
        if (const Medicine* med = kb_.medicine(id)) resolved.medicines.push_back(med);
      Resolution resolution{resolved.field, entry.name, {}};
      for (const auto* med : resolved.medicines) resolution.ids.push_back(med->id);
      // Unknown parts of a partly known combination are reported on their own.
      if (!resolved.medicines.empty())
        for (const auto& part : match.unknown)
          add_text("unrecognised", names_.slug(part), "unrecognised_medicine",
                   {{"name", part}, {"suggestion", suggestion_text(names_.suggest_medicine(part))}});
      if (resolved.medicines.empty()) {
        // A magnesium supplement listed among medicines is still counted, as a supplement.
        const SupplementMatch as_supplement = names_.supplement(entry.name);
        if (as_supplement.kind != SupplementMatch::Kind::unknown) {
          SupplementEntry supplement;
          supplement.name = entry.name;
          if (entry.amount && (entry.amount->unit == "mg")) supplement.amount_mg = entry.amount->value;
          supplement.per_day = entry.times.empty() ? entry.per_day.value_or(1) : static_cast<int>(entry.times.size());
          supplement.times = entry.times;
          extra_supplements_.push_back({resolved.field, supplement});
          resolution.ids.push_back(as_supplement.id);
        } else {
          add_text("unrecognised", names_.slug(entry.name), "unrecognised_medicine",
                   {{"name", entry.name}, {"suggestion", suggestion_text(names_.suggest_medicine(entry.name))}});
        }
      }
      out_.resolved.push_back(std::move(resolution));
      medicines_.push_back(std::move(resolved));
    }
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
        add_text("unrecognised", names_.slug(given), "unrecognised_flag", {{"name", given}, {"suggestion", ""}});
        out_.resolved.push_back(std::move(resolution));
        continue;
      }
      resolution.ids.push_back(flag->id);
      out_.resolved.push_back(std::move(resolution));
      const auto see = flag->see.count(jurisdiction) ? flag->see.at(jurisdiction) : std::string();
      Finding& f = add("red-flag", flag->id, Severity::urgent, flag->title,
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
      add_text("caution", "child", "child",
               {{"age", format_number(p_.age)}, {"limit", limit && limit->mg ? format_number(*limit->mg) : "no"}});
    }
  }

  // ---- kidneys ----
  void kidney_rules() {
    const double severe_below = threshold("egfr_contraindicated_below");
    const double caution_below = threshold("egfr_caution_below");
    const auto& egfr = p_.labs.egfr;
    std::string reason;
    if (egfr && *egfr < severe_below)
      reason = "Your eGFR is " + format_number(*egfr) + " mL/min/1.73m2.";
    else if (has_condition_role("kidney-severe"))
      reason = "You listed severe kidney disease (stage 4-5, kidney failure or dialysis).";
    if (!reason.empty()) {
      Finding& f = add_text("contraindication", "severe-renal-impairment", "kidney_severe",
                            {{"reason", reason}, {"threshold", format_number(severe_below)}});
      if (egfr) f.data.emplace_back("egfr", *egfr);
      f.data.emplace_back("egfr_threshold", severe_below);
      return;
    }
    if (egfr && *egfr < caution_below) {
      Finding& f = add_text("caution", "chronic-kidney-disease", "kidney_caution", {{"egfr", format_number(*egfr)}});
      f.data.emplace_back("egfr", *egfr);
      if (!threshold_prov("egfr_caution_below").verified) f.verified = false;
      return;
    }
    if (!egfr && has_condition_role("kidney"))
      add_text("contraindication", "kidney-function-unknown", "kidney_unknown",
               {{"threshold", format_number(severe_below)}});
  }

  void serum_magnesium_rules() {
    const auto& mg = p_.labs.serum_magnesium_mmol_l;
    if (!mg) return;
    if (*mg > threshold("serum_mg_high_above")) {
      add_text("contraindication", "hypermagnesaemia", "serum_mg_high",
               {{"value", format_number(*mg)}, {"threshold", format_number(threshold("serum_mg_high_above"))}})
          .data.emplace_back("serum_magnesium_mmol_l", *mg);
    } else if (*mg < threshold("serum_mg_low_below")) {
      add_text("caution", "low-serum-magnesium", "serum_mg_low", {{"value", format_number(*mg)}})
          .data.emplace_back("serum_magnesium_mmol_l", *mg);
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

  void medicine_findings() {
    std::set<std::string> seen;
    for (const auto& resolved : medicines_) {
      for (const Medicine* med : resolved.medicines) {
        const Values values = {{"medicine", med->name}};
        for (const char* kind : {"interaction", "depletion", "caution"}) {
          for (const Interaction* entry : entries_for(*med, kind)) {
            Values filled = values;
            filled.emplace_back("after_h", format_number(entry->after_h()));
            filled.emplace_back("before_h", format_number(entry->before_h()));
            Finding& f = add(kind, med->id, entry->severity, fill_text(entry->title, filled),
                             fill_text(entry->detail, filled), "your pharmacist", entry->prov);
            if (std::string(kind) == "interaction" && f.data.empty()) {
              f.data.emplace_back("action", entry->action);
              if (entry->action == "separate") {
                f.data.emplace_back("magnesium_after_drug_h", entry->after_h());
                f.data.emplace_back("magnesium_before_drug_h", entry->before_h());
                for (const auto& window : entry->windows) {
                  f.windows.push_back({window.source, window.magnesium_after_drug_h, window.magnesium_before_drug_h});
                  if (!contains(f.sources, window.source)) f.sources.push_back(window.source);
                  if (!window.verified) f.verified = false;
                }
                windows_.push_back(TimedWindow{med->id, resolved.entry->name, resolved.entry->times,
                                               entry->after_h(), entry->before_h()});
              }
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
    if (group.empty()) return;
    add_text("exacerbating", med.id, "exacerbating_medicine", {{"medicine", med.name}, {"group", group}});
  }

  /// How one treatment entry reads in a sentence: "AASM 2024 (us, eu): against standard use, conditional".
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
    const bool augmentation = std::any_of(about.begin(), about.end(), [](const Treatment* t) { return t->id == "augmentation"; });
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
      const Values values = {{"medicine", med.name}, {"sides", sides.empty() ? "" : "What guidelines say: " + join(sides, " ", " ")}};
      add("treatment", med.id, text.severity, fill_text(text.title, values), fill_text(text.detail, values),
          text.see, prov);
      return;
    }
    for (const Treatment* t : about) {
      if (t->direction != "against" || !t->superseded_by.empty()) continue;
      const RuleText& text = rules_.text("advised_against");
      const std::string guideline = kb_.sources.count(t->guideline) ? describe(*t) : t->guideline;
      const Values values = {{"medicine", med.name}, {"guideline", guideline}, {"note", t->note}};
      add("treatment", med.id, text.severity, fill_text(text.title, values), fill_text(text.detail, values),
          text.see, t->prov);
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
      if (intake.state == "not-pregnant-or-breastfeeding" && (pregnant() || breastfeeding())) continue;
      return &intake;
    }
    return nullptr;
  }

  void count_supplement(const std::string& field, const SupplementEntry& s) {
    Contribution c{s.name, "supplement", 0, std::nullopt, true};
    const SupplementMatch match = names_.supplement(s.name);
    const int per_day = s.times.empty() ? s.per_day : std::max<int>(s.per_day, static_cast<int>(s.times.size()));
    Resolution resolution{field, s.name, {}};
    if (!match.id.empty()) resolution.ids.push_back(match.id);
    out_.resolved.push_back(resolution);
    if (match.kind == SupplementMatch::Kind::topical) {
      c.source_kind = "topical";
      c.counted = false;
      add_text("dose", "topical", "dose_topical", {{"name", s.name}});
      add_evidence("transdermal");
      any_topical_ = true;
    } else if (match.kind == SupplementMatch::Kind::unknown) {
      c.counted = false;
      add_text("unrecognised", names_.slug(s.name), "unrecognised_supplement",
               {{"name", s.name}, {"suggestion", suggestion_text(names_.suggest_supplement(s.name))}});
    } else if (match.kind == SupplementMatch::Kind::product) {
      const Medicine* product = kb_.medicine(match.id);
      const double units = s.amount_mg && product->magnesium->salt_mg
                               ? *s.amount_mg / *product->magnesium->salt_mg
                               : 1;
      c.elemental_mg_per_day = (s.amount_mg && !product->magnesium->salt_mg ? *s.amount_mg
                                                                             : units * product->magnesium->elemental_mg) *
                               per_day;
      current_forms_.push_back(kb_.salt(product->magnesium->salt) ? kb_.salt(product->magnesium->salt)->form : "");
    } else if (!s.amount_mg) {
      c.counted = false;
      add_text("dose", "amount-missing", "dose_amount_missing", {{"name", s.name}});
      current_forms_.push_back(match.form_id);
    } else if (s.amount_basis == AmountBasis::elemental) {
      c.elemental_mg_per_day = *s.amount_mg * per_day;
      current_forms_.push_back(match.form_id);
    } else {
      // Compound amount: the salt's fraction, or the range across the form's hydrates.
      double low = 100, high = 0;
      for (const auto& salt : kb_.salts) {
        // No form named: every salt is possible.
        if (!match.form_id.empty() || match.kind == SupplementMatch::Kind::salt)
          if (match.kind == SupplementMatch::Kind::salt ? salt.id != match.id : salt.form != match.form_id) continue;
        low = std::min(low, salt.percent());
        high = std::max(high, salt.percent());
      }
      c.elemental_mg_per_day = *s.amount_mg * high / 100 * per_day;
      if (high - low > 1e-9) {
        c.low_mg_per_day = *s.amount_mg * low / 100 * per_day;
        Finding& f = add_text("dose", "compound-amount", "dose_compound",
                              {{"name", s.name},
                               {"amount", format_number(*s.amount_mg)},
                               {"low", format_number(*s.amount_mg * low / 100)},
                               {"high", format_number(*s.amount_mg * high / 100)}});
        f.data.emplace_back("elemental_low_mg", *s.amount_mg * low / 100);
        f.data.emplace_back("elemental_high_mg", *s.amount_mg * high / 100);
      }
      current_forms_.push_back(match.form_id);
    }
    out_.magnesium.contributions.push_back(c);
  }

  void count_medicine_magnesium() {
    for (const auto& resolved : medicines_) {
      for (const Medicine* med : resolved.medicines) {
        if (!med->magnesium) continue;
        const auto& mg = *med->magnesium;
        const MedicineEntry& entry = *resolved.entry;
        double units = 1;
        bool assumed = !entry.amount;
        if (entry.amount) {
          const auto& q = *entry.amount;
          if (q.unit == "ml" && mg.per_ml) units = q.value / *mg.per_ml;
          else if (q.unit == "mg" && mg.salt_mg) units = q.value / *mg.salt_mg;
          else if (q.unit == "l" && mg.per_ml) units = q.value * 1000 / *mg.per_ml;
          else if (!mg.per_ml && (q.unit.empty() || q.unit == mg.per || q.unit == mg.per + "s" ||
                                  q.unit == "tablet" || q.unit == "capsule" || q.unit == "sachet"))
            units = q.value;
          else assumed = true;
        }
        const int per_day = entry.times.empty() ? entry.per_day.value_or(1) : static_cast<int>(entry.times.size());
        if (assumed)
          out_.notes.push_back("Magnesium in \"" + entry.name + "\" counted as one " +
                               (mg.per_ml ? format_number(*mg.per_ml) + " mL dose" : mg.per) +
                               " per dose (no readable amount given).");
        if (entry.times.empty() && !entry.per_day)
          out_.notes.push_back("\"" + entry.name + "\" counted once a day (no times or doses per day given).");
        Contribution c{entry.name, mg.use, units * mg.elemental_mg * per_day, std::nullopt, true};
        // A supplement product is what the plan replaces; antacids and laxatives stay as they are.
        if (mg.use == "supplement") {
          if (const Salt* salt = kb_.salt(mg.salt)) current_forms_.push_back(salt->form);
        } else {
          medicine_magnesium_mg_ += c.elemental_mg_per_day;
        }
        out_.magnesium.contributions.push_back(c);
      }
    }
  }

  void dose_rules() {
    count_medicine_magnesium();
    for (std::size_t idx = 0; idx < p_.supplements.size(); ++idx)
      count_supplement("supplements[" + std::to_string(idx) + "]", p_.supplements[idx]);
    for (const auto& [field, supplement] : extra_supplements_) count_supplement(field, supplement);
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
        out_.notes.push_back("The upper limit used (" + (limit->mg ? format_number(*limit->mg) + " mg" : std::string("none")) +
                             ") rests on a KB entry marked unverified: " + limit->note);
    }
    if (limit && limit->mg && total > *limit->mg + 1e-9) {
      const std::string authority = limit->jurisdiction == Jurisdiction::uk   ? "UK"
                                    : limit->jurisdiction == Jurisdiction::us ? "US"
                                                                              : "EU";
      const RuleText& text = rules_.text("dose_upper_limit");
      const Values values = {{"total", format_number(total)},
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
        out_.notes.push_back(std::string("No ") + (p_.jurisdiction == Jurisdiction::uk ? "UK" : "EU") +
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
            diet >= intake->mg ? "Your food alone reaches it." : "Your food gives about " + format_number(diet / intake->mg * 100) + " % of it; more magnesium-rich food is one option.";
        const std::string kind = intake->kind == "rda" ? "recommended dietary allowance (RDA)"
                                 : intake->kind == "rni" ? "reference nutrient intake (RNI)" : "adequate intake (AI)";
        Finding& f = add_text("dose", "diet", "dose_diet",
                              {{"diet", format_number(diet)}, {"reference", format_number(intake->mg)},
                               {"reference_kind", kind}, {"comparison", comparison}});
        for (const auto& s : intake->prov.sources)
          if (!contains(f.sources, s)) f.sources.push_back(s);
      }
    }
  }

  // ---- RLS ----
  void rls_rules() {
    const auto& s = p_.symptoms;
    if (s.explained_by_other_condition.value_or(false)) add_text("rls", "other-explanation", "other_explanation", {});
    if (s.irls_total) {
      std::string band;
      for (const auto& b : rules_.irls_bands)
        if (*s.irls_total >= b.from && *s.irls_total <= b.to) band = b.label;
      Finding& f = add_text("rls", "severity", "irls_severity", {{"total", std::to_string(*s.irls_total)}, {"band", band}});
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
    } else if (s.urge_to_move_legs || s.worse_at_rest || s.relieved_by_movement || s.worse_evening_or_night ||
               s.explained_by_other_condition) {
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
          labs.ferritin_ng_ml && ((rule->ferritin_treat_at_or_below >= 0 && *labs.ferritin_ng_ml <= rule->ferritin_treat_at_or_below) ||
                                  (rule->ferritin_treat_below >= 0 && *labs.ferritin_ng_ml < rule->ferritin_treat_below));
      const bool tsat_low = labs.tsat_percent && *labs.tsat_percent < rule->tsat_treat_below;
      if (ferritin_low) reason += "Your ferritin is " + format_number(*labs.ferritin_ng_ml) + " ng/mL (same as micrograms/L). ";
      if (tsat_low) reason += "Your transferrin saturation is " + format_number(*labs.tsat_percent) + " %. ";
      if (!reason.empty()) reason.pop_back();
      which = rule->ferritin_treat_at_or_below >= 0
                  ? "ferritin " + format_number(rule->ferritin_treat_at_or_below) + " ng/mL or less"
                  : "ferritin below " + format_number(rule->ferritin_treat_below) + " micrograms/L";
      which += ", or TSAT below " + format_number(rule->tsat_treat_below) + " %";
      if (reason.empty() && rule->ferritin_iv_only_up_to && labs.ferritin_ng_ml &&
          *labs.ferritin_ng_ml > rule->ferritin_treat_at_or_below && *labs.ferritin_ng_ml <= *rule->ferritin_iv_only_up_to &&
          (!labs.tsat_percent || *labs.tsat_percent >= rule->tsat_treat_below)) {
        Finding& f = add_text("iron", "iv-band", "iron_iv_band", {{"ferritin", format_number(*labs.ferritin_ng_ml)}});
        f.data.emplace_back("ferritin_ng_ml", *labs.ferritin_ng_ml);
      }
    }
    if (reason.empty()) return;
    const RuleText& text = rules_.text("iron_treat");
    const Values values = {{"reason", reason}, {"rule", which}};
    Finding& f = add("iron", "treat", text.severity, fill_text(text.title, values), fill_text(text.detail, values),
                     text.see, prov);
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
      if (t.direction != "for" && t.direction != "licensed" && t.direction != "off-label-use") continue;
      options.push_back(t.name + ": " + describe(t));
      for (const auto& s : t.prov.sources)
        if (!contains(prov.sources, s)) prov.sources.push_back(s);
      if (!t.prov.verified) prov.verified = false;
    }
    if (options.empty()) return;
    const RuleText& text = rules_.text("guideline_options");
    std::string intro = pregnant() || breastfeeding()
                            ? "In pregnancy and breastfeeding, RLS medicines are generally not recommended; behavioural measures and iron come first. "
                            : "";
    const Values values = {{"options", intro + "Options the guidelines name, with their direction and strength: " +
                                           join(options, "; ", "; ") + ". Magnesium is not among them."}};
    add("treatment", "guideline-options", text.severity, fill_text(text.title, values),
        fill_text(text.detail, values), text.see, prov);
  }

  void lifestyle_rules() {
    if (!rls_suspected()) return;
    if (p_.caffeine_drinks_per_day && *p_.caffeine_drinks_per_day > 0)
      add_text("exacerbating", "caffeine", "caffeine", {{"amount", format_number(*p_.caffeine_drinks_per_day)}});
    if (p_.alcohol_units_per_week && *p_.alcohol_units_per_week > 0)
      add_text("exacerbating", "alcohol", "alcohol", {{"amount", format_number(*p_.alcohol_units_per_week)}});
  }

  // ---- verdict, plan, timetable ----
  Severity verdict() const {
    Severity worst = Severity::info;
    for (const auto& f : out_.findings) worst = std::max(worst, f.severity);
    return worst;
  }

  void make_plan() {
    auto& mg = out_.magnesium;
    if (verdict() >= Severity::avoid || !adult()) return;
    const UpperLimit* limit = upper_limit();
    if (!limit || !limit->mg) return;
    const double ceiling = *limit->mg - medicine_magnesium_mg_;
    if (ceiling <= 0) {
      out_.notes.push_back("No magnesium supplement plan: your antacids/laxatives already reach the limit.");
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
      out_.notes.push_back("The plan replaces, and does not add to, the magnesium supplements you listed (" +
                           format_number(supplement_mg_) + " mg a day now).");
    Finding& trial = add_text("lifestyle", "trial", "plan_trial", {{"weeks", std::to_string(plan.review_after_weeks)}});
    trial.data.emplace_back("review_after_weeks", static_cast<double>(plan.review_after_weeks));
    mg.plan = plan;
  }

  void make_timetable() {
    auto& schedule = out_.schedule;
    schedule.wake = p_.day.wake;
    schedule.sleep = p_.day.sleep;
    for (const auto& window : windows_)
      if (window.times.empty() && !contains(schedule.untimed, window.medicine)) {
        schedule.untimed.push_back(window.medicine);
        const Medicine* med = kb_.medicine(window.medicine);
        out_.notes.push_back(fill_text(rules_.text("schedule_untimed").detail, {{"medicine", med ? med->name : window.name}}));
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
      schedule.unresolved.front().ask = "Ask your pharmacist when you could take magnesium around " + list + ".";
      Finding& f = add_text("caution", "no-safe-time", "no_safe_time", {{"medicines", list}});
      f.data.emplace_back("medicines", schedule.unresolved.front().medicines);
    }
  }

  void finish() {
    // Plan and timetable only when the verdict allows (findings so far decide).
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
    for (const auto* list : {&out_.magnesium.upper_limit_sources, &out_.magnesium.reference_intake_sources})
      for (const auto& s : *list)
        if (!contains(out_.sources, s)) out_.sources.push_back(s);
    if (out_.magnesium.plan)
      for (const auto& s : out_.magnesium.plan->form_sources)
        if (!contains(out_.sources, s)) out_.sources.push_back(s);
    if (!unverified.empty())
      out_.notes.push_back("These findings rest on knowledge-base entries not fully verified against their primary "
                           "source (a conservative choice was encoded): " + join(unverified, ", ", ", ") + ".");
  }

  const Kb& kb_;
  const NameIndex& names_;
  const Profile& p_;
  const Rules& rules_;
  Assessment out_;
  std::vector<ResolvedMedicine> medicines_;
  std::vector<std::pair<std::string, SupplementEntry>> extra_supplements_;
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
