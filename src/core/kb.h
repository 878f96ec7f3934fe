// src/core/kb.h: the knowledge base as plain data (kb/*.yaml, loaded by codec::load_kb).
// Every clinical number the engine uses lives here, beside the sources that back it.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/profile.h"
#include "core/severity.h"

namespace willis::core {

/// Where an entry was written, for file:line messages.
struct SourceLoc {
  std::string file;
  int line = 0;
};

/// What every clinical entry carries: its citations and review state.
struct Provenance {
  std::vector<std::string> sources;  ///< ids in sources.yaml; never empty
  bool verified = true;  ///< false: its sources verify it only P/UNVERIFIED; conservative choice
  std::string last_reviewed;  ///< YYYY-MM-DD
  SourceLoc loc;
};

struct Source {
  std::string id, title, publisher, url, doi, pmid, verification, verified_how;
  std::optional<int> year;
  SourceLoc loc;
};

/// A magnesium form people name ("citrate"), grouping its salts/hydrates.
struct Form {
  std::string id, name;
  std::vector<std::string> synonyms, atc;
  std::vector<long> rxnorm;
  bool laxative = false;  ///< listed as an osmotic laxative (ATC A06AD)
  Provenance prov;
};

/// One salt as sold, with its formula; elemental_percent is checked against the formula.
struct Salt {
  std::string id, form, name, formula;
  std::vector<std::string> synonyms;
  double molar_mass_g_mol = 0;
  double elemental_percent = 0;  ///< mass fraction of Mg × 100, as stated (rounded to 0.1)
  double computed_percent = 0;   ///< the same from the formula (exact); set by the loader
  Provenance prov;
  /// The fraction the engine uses: the formula's exact value when known.
  double percent() const { return computed_percent > 0 ? computed_percent : elemental_percent; }
};

struct ReferenceIntake {
  Jurisdiction jurisdiction = Jurisdiction::us;
  std::string kind;  ///< rda | ai | rni
  double age_from_y = 0;
  std::optional<double> age_below_y;
  std::string sex = "any";    ///< female | male | any
  std::string state = "any";  ///< any | pregnant | breastfeeding | not-pregnant-or-breastfeeding
  double mg = 0;
  Provenance prov;
};

struct UpperLimit {
  Jurisdiction jurisdiction = Jurisdiction::us;
  double age_from_y = 0;
  std::optional<double> age_below_y;
  std::optional<double> mg;  ///< absent when not determinable (infants)
  bool determinable = true;
  std::string kind = "ul";  ///< ul | guidance-level
  std::vector<std::string> counts;
  std::string note;
  Provenance prov;
};

struct MedicineClass {
  std::string id, name;
  Provenance prov;
};

/// Elemental magnesium in one unit of a magnesium-containing product.
struct MagnesiumContent {
  std::string salt;
  double elemental_mg = 0;        ///< per unit
  std::optional<double> salt_mg;  ///< per unit, as labelled
  std::optional<double> per_ml;   ///< the unit is this many mL (liquids)
  std::string per;                ///< countable unit: tablet | capsule | sachet (when not per_ml)
  std::string use;                ///< antacid | laxative | supplement | medicine
};

struct Medicine {
  std::string id, name;
  std::vector<std::string> synonyms, brands, atc, classes;
  std::vector<long> rxnorm;
  std::optional<MagnesiumContent> magnesium;
  Provenance prov;
};

/// One source's separation window around a dose of the drug.
struct Window {
  std::string source;
  double magnesium_after_drug_h = 0;
  double magnesium_before_drug_h = 0;
  std::string wording;
  bool verified = true;
};

struct Interaction {
  std::string id;
  std::string kind;  ///< interaction | depletion | caution
  std::vector<std::string> medicines, classes;
  std::string action;  ///< separate | avoid | monitor
  Severity severity = Severity::caution;
  std::string title, detail, mechanism;
  std::vector<Window> windows;
  Provenance prov;
  /// The longest of each side across the windows (sources disagree; the stricter wins).
  double after_h() const;
  double before_h() const;
};

/// A finding a KB entry produces, with its words.
struct FindingTemplate {
  std::string kind;  ///< contraindication | caution | rls | exacerbating | evidence | info
  Severity severity = Severity::info;
  std::string title, detail, see;
  Provenance prov;
};

struct Condition {
  std::string id, name;
  std::vector<std::string> synonyms, snomed, roles;
  std::optional<FindingTemplate> finding;
  SourceLoc loc;
  std::string last_reviewed;
  bool has_role(const std::string& role) const;
};

struct RedFlag {
  std::string id, name, possible_cause, title, action;
  std::vector<std::string> synonyms;
  std::map<std::string, std::string> see;  ///< jurisdiction -> whom to see
  bool emergency = false;
  Provenance prov;
};

struct Treatment {
  std::string id, name, guideline, direction, strength, certainty, population, note, superseded_by;
  std::vector<std::string> medicines;
  std::vector<Jurisdiction> jurisdictions;
  std::optional<int> year;
  std::optional<double>
      age_from_y;  ///< youngest age the recommendation or licence covers; absent: any age
  Provenance prov;
  bool applies_to(Jurisdiction jurisdiction) const;
};

struct Study {
  std::string name, design, n, dose, result, source;
  std::optional<double> duration_weeks;
};

struct Evidence {
  std::string id, topic, certainty, title, detail;
  std::vector<Study> studies;
  Provenance prov;
};

/// A threshold with its citation (kb/rules.yaml).
struct Threshold {
  double value = 0;
  Provenance prov;
};

/// A rule's words, with {placeholders} the engine fills.
struct RuleText {
  std::string title, detail, see;
  Severity severity = Severity::info;
  Provenance prov;
};

struct IronRule {
  Jurisdiction jurisdiction = Jurisdiction::us;
  double ferritin_treat_at_or_below = -1;  ///< inclusive boundary (AASM "≤75"); <0 = unused
  double ferritin_treat_below = -1;        ///< exclusive boundary (UK "< 75"); <0 = unused
  double tsat_treat_below = 20;
  std::optional<double> ferritin_iv_only_up_to;  ///< AASM 75-100: IV only
  Provenance prov;
};

struct IrlsBand {
  int from = 0, to = 0;  ///< inclusive
  std::string label;
};

/// The engine's thresholds and texts (kb/rules.yaml), looked up by name. The loader
/// refuses a KB that lacks any name in kRequiredThresholds / kRequiredTexts.
struct Rules {
  std::map<std::string, Threshold, std::less<>> thresholds;
  std::map<std::string, RuleText, std::less<>> texts;
  std::vector<IronRule> iron;
  std::vector<IrlsBand> irls_bands;
  Provenance irls_prov;
  std::vector<std::string> topical_words;  ///< supplement words meaning "applied to the skin"
  std::vector<std::string> ignore_words;   ///< dose forms, units, frequencies ignored in names
  std::vector<std::string> salt_words;     ///< salt suffixes ignored in names ("sodium", "hyclate")
  std::string default_form;                ///< form id of the plan
  std::string sensitive_stomach_form;      ///< form id when preferences.sensitive_stomach
  std::string disclaimer;                  ///< printed on every rendering
  std::vector<std::string> exacerbating_classes;    ///< medicine classes that can worsen RLS
  std::vector<std::string> exacerbating_medicines;  ///< single medicines that can worsen RLS
  /// Words in a medicine's name that say it is not taken by mouth ("eye drops"), by route
  /// (eye | ear | nose | skin | inhaled | injected | rectal | vaginal).
  std::map<std::string, std::vector<std::string>, std::less<>> route_words;
  std::vector<std::string>
      weekly_words;  ///< "once weekly", "weekly": the medicine is taken on one day a week
  std::vector<std::string> monthly_words;  ///< "once monthly", "monthly"
  /// Words that make an unrecognised condition a kidney condition of unknown stage (fail closed).
  std::vector<std::string> kidney_words;
  std::vector<std::string>
      sleep_disturbing_classes;  ///< medicine classes that can disturb sleep (issue 15)
  std::vector<std::string>
      sleep_blend_classes;  ///< parts of a sleep blend that leave its magnesium countable

  const Threshold& threshold(std::string_view name) const;  ///< precondition: checked at load
  const RuleText& text(std::string_view name) const;        ///< precondition: checked at load
};

/// Names the engine reads from rules.yaml.
extern const std::vector<std::string> kRequiredThresholds;
extern const std::vector<std::string> kRequiredTexts;

/// One normalized name -> id table, sorted by name and looked up by binary search: flat, so that
/// the KB image's copy is read as it is, with no tree to build at start-up (issue 17).
class NameTable {
 public:
  using Entry = std::pair<std::string, std::string>;
  using const_iterator = std::vector<Entry>::const_iterator;

  NameTable() = default;
  explicit NameTable(const std::map<std::string, std::string>& sorted)
      : entries_(sorted.begin(), sorted.end()) {}

  const_iterator find(std::string_view name) const {
    const auto at = std::lower_bound(entries_.begin(), entries_.end(), name,
                                     [](const Entry& entry, std::string_view wanted) {
                                       return std::string_view(entry.first) < wanted;
                                     });
    return at != entries_.end() && at->first == name ? at : entries_.end();
  }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  /// The entries, for the KB image reader (which checks that they stay sorted).
  std::vector<Entry>& entries() { return entries_; }
  bool operator==(const NameTable&) const = default;

 private:
  std::vector<Entry> entries_;
};

/// Normalized name -> id look-up tables (core/names.h builds them; the KB image carries them so
/// that start-up does not rebuild them).
struct NameTables {
  NameTable medicines, supplements, conditions, flags;
  bool empty() const { return medicines.empty(); }
};

/// A code list of the population audit (kb/indicators.yaml `lists`): a selection of KB entries
/// whose codes (RxNorm, ATC, SNOMED CT, LOINC) the audit matches. A list cites nothing itself:
/// the entries it selects carry their own sources.
struct AuditList {
  std::string id, name;
  std::vector<std::string> classes;    ///< medicine class ids (medicines.yaml)
  std::vector<std::string> medicines;  ///< medicine ids
  bool all_forms = false;              ///< every magnesium form of salts.yaml (and its salts)
  std::string rule;  ///< "exacerbating": rules.yaml exacerbating classes + medicines
  std::vector<std::string>
      interaction_actions;  ///< medicines of kind-interaction entries with these actions
  std::vector<std::string> conditions;  ///< condition ids (their SNOMED CT codes)
  std::string lab;                      ///< LOINC value set: egfr | ferritin | tsat | magnesium
  SourceLoc loc;
  /// medicine | condition | lab, from what the list selects.
  std::string kind() const {
    return !lab.empty() ? "lab" : !conditions.empty() ? "condition" : "medicine";
  }
};

/// A number an audit indicator uses (kb/indicators.yaml). When `rule` names a rules.yaml number
/// ("thresholds.egfr_contraindicated_below", "iron.us.tsat_treat_below") the loader requires the
/// two to be equal, so the audit and the assessment never drift apart.
struct IndicatorThreshold {
  double value = 0;
  std::string rule;  ///< rules.yaml path of the same number, or "" when the audit alone uses it
};

/// One indicator of the population audit (docs/audit.md): who is counted and who is flagged.
struct Indicator {
  std::string id, title;
  std::string denominator, numerator;  ///< the definitions in words (docs/audit.md)
  std::vector<std::string> lists;      ///< ids of the code lists it reads
  std::map<std::string, IndicatorThreshold, std::less<>> thresholds;
  Provenance prov;
  /// precondition: the loader checked that the indicator has it (kRequiredIndicators).
  double threshold(std::string_view name) const;
};

/// The audit's indicators and code lists (kb/indicators.yaml).
struct Audit {
  std::vector<AuditList> lists;
  std::vector<Indicator> indicators;
  const AuditList* list(std::string_view id) const;
  const Indicator* indicator(std::string_view id) const;
};

/// Indicator ids and the thresholds the audit engine reads from each (core/audit.h); the loader
/// refuses an indicators.yaml that lacks one.
struct RequiredIndicator {
  const char* id;
  std::vector<std::string> thresholds;
};
extern const std::vector<RequiredIndicator> kRequiredIndicators;
/// Code list ids the audit engine reads, in docs/audit.md order (ids are stable: SQL uses them).
extern const std::vector<std::string> kRequiredAuditLists;

/// One unit a lab value may come in (kb/labs.yaml): value x multiply / divide is the value in
/// the profile's unit. Units compare without case or spaces, with the micro sign read as "u".
struct LabUnit {
  std::string unit;
  bool prefix = false;  ///< any unit starting with `unit` ("mL/min" for eGFR per 1.73 m2)
  double multiply = 1, divide = 1;
};
/// A lab willis reads from FHIR: its LOINC codes and the units it converts (kb/labs.yaml).
struct Lab {
  std::string id;  ///< one of kRequiredLabs
  std::string name, profile_unit;
  std::vector<std::string> loinc;
  std::vector<LabUnit> units;  ///< empty for a coded answer (pregnancy status)
  Provenance prov;
};
/// Lab ids the FHIR mapper reads, each of which kb/labs.yaml must define.
extern const std::vector<std::string> kRequiredLabs;

/// The whole knowledge base. Built by codec::load_kb, checked by core::check_kb.
struct Kb {
  std::string version;
  std::map<std::string, Source> sources;
  std::vector<Form> forms;
  std::vector<Salt> salts;
  std::vector<ReferenceIntake> reference_intakes;
  std::vector<UpperLimit> upper_limits;
  std::vector<MedicineClass> classes;
  std::vector<Medicine> medicines;
  std::vector<Interaction> interactions;
  std::vector<Condition> conditions;
  std::vector<RedFlag> red_flags;
  std::vector<Treatment> treatments;
  std::vector<Evidence> evidence;
  Rules rules;
  Audit audit;             ///< indicators.yaml
  NameTables name_tables;  ///< filled by the loader once the KB is consistent
  std::vector<Lab> labs;   ///< labs.yaml

  const Medicine* medicine(const std::string& id) const;
  const Condition* condition(const std::string& id) const;
  const Salt* salt(const std::string& id) const;
  const Form* form(const std::string& id) const;
  const Evidence* evidence_entry(const std::string& id) const;
  const RedFlag* red_flag(const std::string& id) const;
  const Lab* lab(const std::string& id) const;
};

}  // namespace willis::core
