#include "core/kb_check.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/formula.h"
#include "core/names.h"

namespace willis::core {

namespace {

class Checker {
 public:
  explicit Checker(const Kb& kb) : kb_(kb) {}

  void fail(const SourceLoc& loc, const std::string& path, const std::string& message) {
    errors.push_back(Error{Errc::invalid_kb, path, message, loc.file, loc.line});
  }

  void cites(const Provenance& prov, const std::string& path) {
    if (prov.sources.empty()) fail(prov.loc, path, "cites no source (add sources: [id])");
    for (const auto& id : prov.sources)
      if (!kb_.sources.count(id))
        fail(prov.loc, path, "cites unknown source \"" + id + "\" (add it to sources.yaml)");
  }

  void source_exists(const std::string& id, const SourceLoc& loc, const std::string& path) {
    if (!kb_.sources.count(id)) fail(loc, path, "unknown source \"" + id + "\"");
  }

  template <typename T>
  void unique_ids(const std::vector<T>& items, const char* what, SourceLoc (*loc_of)(const T&)) {
    std::set<std::string> seen;
    for (const auto& item : items) {
      if (item.id.empty()) fail(loc_of(item), what, "has an empty id");
      if (!seen.insert(item.id).second)
        fail(loc_of(item), what, "duplicate id \"" + item.id + "\"");
    }
  }

  std::vector<Error> errors;

 private:
  const Kb& kb_;
};

template <typename T>
SourceLoc prov_loc(const T& item) {
  return item.prov.loc;
}
SourceLoc condition_loc(const Condition& item) {
  return item.loc;
}

std::string fixed1(double value) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << value;
  return out.str();
}

bool covers_all_ages(const std::vector<UpperLimit>& limits, Jurisdiction jurisdiction, double age) {
  for (const auto& limit : limits)
    if (limit.jurisdiction == jurisdiction && age >= limit.age_from_y &&
        (!limit.age_below_y || age < *limit.age_below_y))
      return true;
  return false;
}

/// The rules.yaml number a path names: "thresholds.NAME" or "iron.JURISDICTION.FIELD".
std::optional<double> rule_number(const Kb& kb, const std::string& path) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string head = path.substr(0, dot), rest = path.substr(dot + 1);
  if (head == "thresholds") {
    const auto found = kb.rules.thresholds.find(rest);
    if (found == kb.rules.thresholds.end()) return std::nullopt;
    return found->second.value;
  }
  if (head == "iron") {
    const auto dot2 = rest.find('.');
    if (dot2 == std::string::npos) return std::nullopt;
    const std::string jurisdiction = rest.substr(0, dot2), name = rest.substr(dot2 + 1);
    for (const auto& rule : kb.rules.iron) {
      if (to_string(rule.jurisdiction) != jurisdiction) continue;
      if (name == "ferritin_treat_at_or_below" && rule.ferritin_treat_at_or_below >= 0)
        return rule.ferritin_treat_at_or_below;
      if (name == "ferritin_treat_below" && rule.ferritin_treat_below >= 0)
        return rule.ferritin_treat_below;
      if (name == "tsat_treat_below") return rule.tsat_treat_below;
      if (name == "ferritin_iv_only_up_to" && rule.ferritin_iv_only_up_to)
        return *rule.ferritin_iv_only_up_to;
    }
  }
  return std::nullopt;
}

void check_audit(const Kb& kb, Checker& check, const std::set<std::string>& class_ids) {
  const auto& audit = kb.audit;
  std::set<std::string> list_ids;
  for (const auto& list : audit.lists) {
    const std::string path = "lists." + list.id;
    if (!list_ids.insert(list.id).second)
      check.fail(list.loc, "lists", "duplicate id \"" + list.id + "\"");
    for (const auto& id : list.classes)
      if (!class_ids.count(id))
        check.fail(list.loc, path + ".classes", "unknown class \"" + id + "\"");
    for (const auto& id : list.medicines)
      if (!kb.medicine(id))
        check.fail(list.loc, path + ".medicines", "unknown medicine \"" + id + "\"");
    for (const auto& id : list.conditions)
      if (!kb.condition(id))
        check.fail(list.loc, path + ".conditions", "unknown condition \"" + id + "\"");
    for (const auto& action : list.interaction_actions)
      if (action != "separate" && action != "avoid" && action != "monitor")
        check.fail(list.loc, path + ".interaction_actions",
                   "\"" + action + "\" is not separate | avoid | monitor");
  }
  for (const auto& id : kRequiredAuditLists)
    if (!list_ids.count(id))
      check.fail(SourceLoc{"indicators.yaml", 0}, "lists." + id, "is required by the audit engine");
  std::set<std::string> indicator_ids;
  for (const auto& indicator : audit.indicators) {
    const std::string path = "indicators." + indicator.id;
    if (!indicator_ids.insert(indicator.id).second)
      check.fail(indicator.prov.loc, "indicators", "duplicate id \"" + indicator.id + "\"");
    check.cites(indicator.prov, path);
    if (indicator.title.size() > 140)
      check.fail(indicator.prov.loc, path + ".title", "is longer than 140 characters");
    for (const auto& id : indicator.lists)
      if (!list_ids.count(id))
        check.fail(indicator.prov.loc, path + ".lists", "unknown list \"" + id + "\"");
    for (const auto& [name, threshold] : indicator.thresholds) {
      if (threshold.rule.empty()) continue;
      const auto number = rule_number(kb, threshold.rule);
      if (!number)
        check.fail(
            indicator.prov.loc, path + ".thresholds." + name + ".rule",
            "\"" + threshold.rule +
                "\" names no number in rules.yaml (thresholds.NAME or iron.JURISDICTION.FIELD)");
      else if (*number != threshold.value)
        check.fail(indicator.prov.loc, path + ".thresholds." + name,
                   "is " + fixed1(threshold.value) + " but " + threshold.rule +
                       " in rules.yaml is " + fixed1(*number) +
                       ": the audit and the assessment must use the same number (change both)");
    }
  }
  for (const auto& required : kRequiredIndicators) {
    const Indicator* indicator = audit.indicator(required.id);
    if (!indicator) {
      check.fail(SourceLoc{"indicators.yaml", 0}, std::string("indicators.") + required.id,
                 "is required by the audit engine");
      continue;
    }
    for (const auto& name : required.thresholds)
      if (!indicator->thresholds.count(name))
        check.fail(indicator->prov.loc,
                   std::string("indicators.") + required.id + ".thresholds." + name,
                   "is required by the audit engine");
  }
}

/// One salt: its form, and its molar mass and magnesium per cent against its formula.
void check_salt(const Kb& kb, Checker& check, const Salt& salt) {
  const std::string path = "salts." + salt.id;
  check.cites(salt.prov, path);
  if (!kb.form(salt.form))
    check.fail(salt.prov.loc, path + ".form", "unknown form \"" + salt.form + "\"");
  const auto mass = formula_mass(salt.formula);
  if (!mass.ok()) {
    check.fail(salt.prov.loc, path + ".formula", mass.error().message);
    return;
  }
  const double molar = mass.value().molar_mass_g_mol, percent = mass.value().elemental_percent();
  if (std::fabs(molar - salt.molar_mass_g_mol) > 0.1)
    check.fail(salt.prov.loc, path + ".molar_mass_g_mol",
               "states " + fixed1(salt.molar_mass_g_mol) + " g/mol but " + salt.formula +
                   " weighs " + fixed1(molar));
  if (std::fabs(percent - salt.elemental_percent) > 0.1)
    check.fail(salt.prov.loc, path + ".elemental_percent",
               "states " + fixed1(salt.elemental_percent) + " % but " + salt.formula + " is " +
                   fixed1(percent) + " % magnesium");
}

/// kb/labs.yaml: every lab the FHIR mapper reads, each LOINC code in one lab only, and units
/// whose conversion is a finite positive number.
void check_labs(const Kb& kb, Checker& check) {
  std::map<std::string, std::string> lab_of_code;
  for (const auto& lab : kb.labs) {
    const std::string path = "labs." + lab.id;
    check.cites(lab.prov, path);
    if (lab.loinc.empty()) check.fail(lab.prov.loc, path + ".loinc", "lists no LOINC code");
    for (const auto& code : lab.loinc) {
      const auto dash = code.find('-');
      if (dash == std::string::npos || dash == 0 || dash + 2 != code.size() ||
          code.find_first_not_of("0123456789-") != std::string::npos)
        check.fail(lab.prov.loc, path + ".loinc", "\"" + code + "\" is not a LOINC code");
      if (const auto [it, added] = lab_of_code.emplace(code, lab.id); !added)
        check.fail(lab.prov.loc, path + ".loinc", code + " is also in labs." + it->second);
    }
    for (const auto& unit : lab.units)
      if (unit.unit.empty() || !std::isfinite(unit.multiply / unit.divide))
        check.fail(lab.prov.loc, path + ".units", "a unit needs a name and a finite conversion");
  }
  check.unique_ids(kb.labs, "labs", &prov_loc<Lab>);
  for (const auto& id : kRequiredLabs)
    if (!kb.lab(id)) check.fail(SourceLoc{"labs.yaml", 0}, "labs", "no lab \"" + id + "\"");
}

void check_ids(const Kb& kb, Checker& check) {
  check.unique_ids(kb.forms, "forms", &prov_loc<Form>);
  check.unique_ids(kb.salts, "salts", &prov_loc<Salt>);
  check.unique_ids(kb.classes, "classes", &prov_loc<MedicineClass>);
  check.unique_ids(kb.medicines, "medicines", &prov_loc<Medicine>);
  check.unique_ids(kb.interactions, "interactions", &prov_loc<Interaction>);
  check.unique_ids(kb.conditions, "conditions", &condition_loc);
  check.unique_ids(kb.red_flags, "red_flags", &prov_loc<RedFlag>);
  check.unique_ids(kb.treatments, "treatments", &prov_loc<Treatment>);
  check.unique_ids(kb.evidence, "evidence", &prov_loc<Evidence>);
}

/// Intakes and upper limits: cited, and a limit for every age in every jurisdiction.
void check_limits(const Kb& kb, Checker& check) {
  for (const auto& intake : kb.reference_intakes) check.cites(intake.prov, "reference_intakes");
  for (const auto& limit : kb.upper_limits) check.cites(limit.prov, "upper_limits");
  for (const auto jurisdiction : {Jurisdiction::uk, Jurisdiction::us, Jurisdiction::eu})
    for (double age = 0; age <= 120; age += 0.5)
      if (!covers_all_ages(kb.upper_limits, jurisdiction, age)) {
        check.fail(SourceLoc{"intakes.yaml", 0}, "upper_limits",
                   std::string("no upper limit row covers age ") + fixed1(age) + " in " +
                       to_string(jurisdiction));
        break;
      }
}

void check_medicines(const Kb& kb, Checker& check, const std::set<std::string>& class_ids) {
  for (const auto& cls : kb.classes) check.cites(cls.prov, "classes." + cls.id);
  for (const auto& med : kb.medicines) {
    const std::string path = "medicines." + med.id;
    check.cites(med.prov, path);
    for (const auto& cls : med.classes)
      if (!class_ids.count(cls))
        check.fail(med.prov.loc, path + ".classes", "unknown class \"" + cls + "\"");
    if (med.magnesium && !kb.salt(med.magnesium->salt))
      check.fail(med.prov.loc, path + ".magnesium.salt",
                 "unknown salt \"" + med.magnesium->salt + "\"");
  }
}

void check_interactions(const Kb& kb, Checker& check, const std::set<std::string>& class_ids) {
  for (const auto& entry : kb.interactions) {
    const std::string path = "interactions." + entry.id;
    check.cites(entry.prov, path);
    for (const auto& id : entry.medicines)
      if (!kb.medicine(id))
        check.fail(entry.prov.loc, path + ".medicines", "unknown medicine \"" + id + "\"");
    for (const auto& id : entry.classes)
      if (!class_ids.count(id))
        check.fail(entry.prov.loc, path + ".classes", "unknown class \"" + id + "\"");
    if (entry.action == "separate" && entry.windows.empty())
      check.fail(entry.prov.loc, path + ".windows",
                 "a 'separate' interaction needs at least one window");
    for (const auto& window : entry.windows)
      check.source_exists(window.source, entry.prov.loc, path + ".windows");
    if (entry.kind == "interaction" && entry.action == "monitor")
      check.fail(entry.prov.loc, path + ".action",
                 "an interaction is 'separate' or 'avoid'; use kind caution for monitoring");
  }
}

void check_conditions(const Kb& kb, Checker& check) {
  static const std::set<std::string> kRoles = {"rls",           "rls-mimic",
                                               "rls-secondary", "rls-exacerbating",
                                               "kidney",        "kidney-moderate",
                                               "kidney-severe", "pregnancy",
                                               "breastfeeding", "sleep"};
  for (const auto& condition : kb.conditions) {
    for (const auto& role : condition.roles)
      if (!kRoles.count(role))
        check.fail(condition.loc, "conditions." + condition.id + ".roles",
                   "unknown role \"" + role + "\"");
    if (condition.finding)
      check.cites(condition.finding->prov, "conditions." + condition.id + ".finding");
  }
  for (const auto& flag : kb.red_flags) check.cites(flag.prov, "red_flags." + flag.id);
}

void check_treatments(const Kb& kb, Checker& check) {
  for (const auto& treatment : kb.treatments) {
    const std::string path = "treatments." + treatment.id;
    check.cites(treatment.prov, path);
    check.source_exists(treatment.guideline, treatment.prov.loc, path + ".guideline");
    for (const auto& id : treatment.medicines)
      if (!kb.medicine(id))
        check.fail(treatment.prov.loc, path + ".medicines", "unknown medicine \"" + id + "\"");
    if (!treatment.superseded_by.empty()) {
      bool found = false;
      for (const auto& other : kb.treatments) found = found || other.id == treatment.superseded_by;
      if (!found)
        check.fail(treatment.prov.loc, path + ".superseded_by",
                   "unknown treatment \"" + treatment.superseded_by + "\"");
    }
  }
  for (const auto& evidence : kb.evidence) {
    check.cites(evidence.prov, "evidence." + evidence.id);
    for (const auto& study : evidence.studies)
      check.source_exists(study.source, evidence.prov.loc, "evidence." + evidence.id + ".studies");
  }
}

/// rules.yaml: every threshold and text the engine reads, cited.
void check_rule_names(const Kb& kb, Checker& check) {
  const SourceLoc rules_loc{"rules.yaml", 0};
  for (const auto& name : kRequiredThresholds) {
    const auto found = kb.rules.thresholds.find(name);
    if (found == kb.rules.thresholds.end())
      check.fail(rules_loc, "thresholds." + name, "is required by the engine");
    else
      check.cites(found->second.prov, "thresholds." + name);
  }
  for (const auto& name : kRequiredTexts) {
    const auto found = kb.rules.texts.find(name);
    if (found == kb.rules.texts.end())
      check.fail(rules_loc, "texts." + name, "is required by the engine");
    else
      check.cites(found->second.prov, "texts." + name);
  }
  for (const auto& [name, text] : kb.rules.texts)
    if (text.title.size() > 140)
      check.fail(text.prov.loc, "texts." + name + ".title", "is longer than 140 characters");
}

/// rules.yaml: iron rules, bands, and the classes, medicines and forms the rules name.
void check_rule_lists(const Kb& kb, Checker& check, const std::set<std::string>& class_ids) {
  const SourceLoc rules_loc{"rules.yaml", 0};
  for (const auto& rule : kb.rules.iron) check.cites(rule.prov, "iron");
  for (const auto jurisdiction : {Jurisdiction::uk, Jurisdiction::us, Jurisdiction::eu}) {
    bool found = false;
    for (const auto& rule : kb.rules.iron) found = found || rule.jurisdiction == jurisdiction;
    if (!found)
      check.fail(rules_loc, "iron", std::string("no iron rule for ") + to_string(jurisdiction));
  }
  check.cites(kb.rules.irls_prov, "irls_bands");
  for (const auto& id : kb.rules.exacerbating_classes)
    if (!class_ids.count(id))
      check.fail(rules_loc, "exacerbating.classes", "unknown class \"" + id + "\"");
  for (const auto& id : kb.rules.sleep_disturbing_classes)
    if (!class_ids.count(id))
      check.fail(rules_loc, "sleep_disturbing_classes", "unknown class \"" + id + "\"");
  for (const auto& id : kb.rules.sleep_blend_classes)
    if (!class_ids.count(id))
      check.fail(rules_loc, "sleep_blend_classes", "unknown class \"" + id + "\"");
  for (const auto& id : kb.rules.exacerbating_medicines)
    if (!kb.medicine(id))
      check.fail(rules_loc, "exacerbating.medicines", "unknown medicine \"" + id + "\"");
  if (!kb.form(kb.rules.default_form))
    check.fail(rules_loc, "plan.default_form", "unknown form \"" + kb.rules.default_form + "\"");
  if (!kb.form(kb.rules.sensitive_stomach_form))
    check.fail(rules_loc, "plan.sensitive_stomach_form",
               "unknown form \"" + kb.rules.sensitive_stomach_form + "\"");
}

}  // namespace

std::vector<Error> check_kb(const Kb& kb) {
  Checker check(kb);
  const std::set<std::string> class_ids = [&] {
    std::set<std::string> ids;
    for (const auto& cls : kb.classes) ids.insert(cls.id);
    return ids;
  }();
  check_ids(kb, check);
  for (const auto& form : kb.forms) check.cites(form.prov, "forms." + form.id);
  for (const auto& salt : kb.salts) check_salt(kb, check, salt);
  check_limits(kb, check);
  check_medicines(kb, check, class_ids);
  check_interactions(kb, check, class_ids);
  check_conditions(kb, check);
  check_treatments(kb, check);
  check_rule_names(kb, check);
  check_rule_lists(kb, check, class_ids);
  check_audit(kb, check, class_ids);
  check_labs(kb, check);

  // A name that means two different things would make resolution depend on file order.
  for (const auto& clash : find_name_clashes(kb))
    check.fail(SourceLoc{"medicines.yaml", 0}, "names", clash);
  return std::move(check.errors);
}

}  // namespace willis::core
