// src/codec/fhir_profile.cc: FHIR R4 -> core::Profile. docs/fhir.md is the mapping table; every
// choice below that is not in the FHIR specification is an assumption the notes report.
#include "codec/fhir_profile.h"
#include "codec/strict_input.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "codec/rxnorm_table.h"
#include "core/assess.h"

namespace willis::codec {

using core::ClockTime;
using core::Errc;
using core::Error;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr std::string_view kSnomed = "http://snomed.info/sct";
constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kAtc = "http://www.whocc.no/atc";

// ---------------------------------------------------------------- value sets (docs/fhir.md)

struct LoincEntry {
  std::string_view code;
  LabKind kind;
};
// eGFR codes beyond the three the issue names come from public value sets: DICOM CID 10046 "GFR
// Measurement", the HL7 CPG CKD example "eGFR Lab Results", OHDSI "reduced eGFR" phenotype and
// the CH lab-report IG (CKD-EPI 2021). Cockcroft-Gault (35591-7) is a creatinine clearance in
// mL/min, not per 1.73 m², and is deliberately not an eGFR here.
constexpr std::array<LoincEntry, 19> kLoincCodes = {{
    {"2276-4", LabKind::ferritin},
    {"2502-3", LabKind::tsat},
    {"98979-8", LabKind::egfr},  // CKD-EPI 2021, creatinine
    {"98980-6", LabKind::egfr},  // CKD-EPI 2021, creatinine + cystatin C
    {"62238-1", LabKind::egfr},  // CKD-EPI
    {"33914-3", LabKind::egfr},  // MDRD
    {"48642-3", LabKind::egfr},  // MDRD, non-Black
    {"48643-1", LabKind::egfr},  // MDRD, Black
    {"50044-7", LabKind::egfr},  // MDRD, females
    {"70969-1", LabKind::egfr},  // MDRD, males
    {"88293-6", LabKind::egfr},  // CKD-EPI, Black
    {"88294-4", LabKind::egfr},  // CKD-EPI, non-Black
    {"50210-4", LabKind::egfr},  // cystatin C based
    {"50384-7", LabKind::egfr},  // Schwartz (children)
    {"69405-9", LabKind::egfr},
    {"77147-7", LabKind::egfr},
    {"19123-9", LabKind::magnesium},  // mass/volume (mg/dL)
    {"2601-3", LabKind::magnesium},   // moles/volume (mmol/L)
    {"82810-3", LabKind::pregnancy_status},
}};

// SNOMED CT codes for chronic kidney disease stages that kb/conditions.yaml does not list, from the
// public "Chronic Kidney Diseases" value set (hl7germany/forschungsnetz-covid19) and CKD 3A/3B
// problem-list codes. Applied only when the KB does not map the code itself and has the target.
struct SnomedExtra {
  std::string_view code;
  std::string_view condition;
};
constexpr std::array<SnomedExtra, 5> kSnomedExtras = {{
    {"709044004", "chronic-kidney-disease"},   // Chronic kidney disease (disorder)
    {"700378005", "chronic-kidney-disease"},   // Chronic kidney disease stage 3A
    {"700379002", "chronic-kidney-disease"},   // Chronic kidney disease stage 3B
    {"433146000", "severe-renal-impairment"},  // Chronic kidney disease stage 5
    {"714152005", "severe-renal-impairment"},  // Chronic kidney disease stage 5 on dialysis
}};

// Sleep answers (issue 15): the profile's `sleep:` block where a standard code says the same thing.
// Items of LOINC panel 62636-6 "PhenX - respiratory - sleep apnea - adult protocol 091501" (the
// Berlin Questionnaire; item list read on loinc.org/62636-6, LOINC 2.78). Only yes/no answers are
// read (valueBoolean, or LOINC answers LA33-6 Yes / LA32-8 No): the Berlin frequency answer lists
// were not verified, so any other answer is reported, not guessed. Items that do not say what a
// profile question says are recognised and reported as not mapped. LOINC has no Epworth Sleepiness
// Scale total that willis could verify (the ESS is licensed): an ESS Observation is reported, never
// read. What has no code stays unmapped (docs/fhir.md lists it).
enum class SleepItem { none, witnessed_pauses, nodded_off_driving, not_mapped };
struct SleepLoinc {
  std::string_view code;
  SleepItem item;
  std::string_view why;  // for not_mapped: why it is not a profile answer
};
constexpr std::array<SleepLoinc, 4> kSleepLoinc = {{
    {"64491-4", SleepItem::witnessed_pauses,
     ""},  // Has anyone noticed that you quit breathing during your sleep?
    {"64494-8", SleepItem::nodded_off_driving,
     ""},  // Have you ever nodded off or fallen asleep while driving a vehicle?
    {"64487-2", SleepItem::not_mapped,
     "it asks about any snoring, not loud snoring"},  // Do you snore?
    {"64488-0", SleepItem::not_mapped,
     "its loudness answers are not ones willis has verified"},  // Your snoring is:
}};

const SleepLoinc* sleep_loinc(std::string_view code) {
  for (const auto& entry : kSleepLoinc)
    if (entry.code == code) return &entry;
  return nullptr;
}

std::optional<bool> yes_no_answer(std::string_view code) {
  if (code == "LA33-6") return true;
  if (code == "LA32-8") return false;
  return std::nullopt;
}

// Words that make an Observation look like a sleep answer: one with such a name and a code willis
// does not map is reported by name, not only counted.
bool looks_like_sleep(std::string name) {
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* word : {"sleep", "snor", "apnoea", "apnea", "epworth", "insomnia", "stop-bang",
                           "stopbang", "stop bang", "drows", "somnol", "nocturia"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

// Pregnancy status answers (LOINC answer list LL4129-4 and the SNOMED findings used for 82810-3).
std::optional<bool> pregnancy_answer(std::string_view code) {
  if (code == "LA15173-0" || code == "77386006") return true;
  if (code == "LA26683-5" || code == "60001007") return false;
  return std::nullopt;
}

// FHIR EventTiming has no clock times: these are willis's assumptions for a 07:00-23:00 day with
// meals at 08:00, 13:00 and 19:00 (the contract's example day), always reported as "times assumed".
struct EventTime {
  std::string_view code;
  std::array<int, 3> minutes;  // up to three times (the three meals); -1 = unused
  int default_offset;          // minutes; applied before the event for AC*, after it otherwise
};
constexpr std::array<EventTime, 26> kEvents = {{
    {"WAKE", {7 * 60, -1, -1}, 0},          {"PHS", {7 * 60, -1, -1}, 0},
    {"MORN", {8 * 60, -1, -1}, 0},          {"MORN.early", {7 * 60, -1, -1}, 0},
    {"MORN.late", {10 * 60, -1, -1}, 0},    {"NOON", {12 * 60, -1, -1}, 0},
    {"AFT", {14 * 60, -1, -1}, 0},          {"AFT.early", {13 * 60, -1, -1}, 0},
    {"AFT.late", {16 * 60, -1, -1}, 0},     {"EVE", {19 * 60, -1, -1}, 0},
    {"EVE.early", {18 * 60, -1, -1}, 0},    {"EVE.late", {20 * 60, -1, -1}, 0},
    {"NIGHT", {22 * 60, -1, -1}, 0},        {"HS", {22 * 60 + 30, -1, -1}, 0},
    {"C", {8 * 60, 13 * 60, 19 * 60}, 0},   {"CM", {8 * 60, -1, -1}, 0},
    {"CD", {13 * 60, -1, -1}, 0},           {"CV", {19 * 60, -1, -1}, 0},
    {"AC", {8 * 60, 13 * 60, 19 * 60}, 30}, {"ACM", {8 * 60, -1, -1}, 30},
    {"ACD", {13 * 60, -1, -1}, 30},         {"ACV", {19 * 60, -1, -1}, 30},
    {"PC", {8 * 60, 13 * 60, 19 * 60}, 30}, {"PCM", {8 * 60, -1, -1}, 30},
    {"PCD", {13 * 60, -1, -1}, 30},         {"PCV", {19 * 60, -1, -1}, 30},
}};

// Doses per day spread over the day: 1-4 a day on the usual medicine-round times (08:00, then
// evenly to 20:00); more often, evenly from waking (07:00) to bedtime (23:00).
std::vector<ClockTime> spread(int per_day) {
  std::vector<ClockTime> times;
  if (per_day <= 1) return {ClockTime{8 * 60}};
  const bool rounds = per_day <= 4;
  const int first = rounds ? 8 * 60 : 7 * 60;
  const int last = rounds ? 20 * 60 : 23 * 60;
  for (int dose_idx = 0; dose_idx < per_day; ++dose_idx)
    times.push_back(ClockTime{first + (last - first) * dose_idx / (per_day - 1)});
  return times;
}

// ---------------------------------------------------------------- JSON helpers

std::string_view str(const element& e, const char* key) {
  std::string_view value;
  if (e[key].get(value)) return {};
  return value;
}

std::optional<element> child(const element& e, const char* key) {
  element value;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

/// When an Observation was made: effectiveDateTime, effectiveInstant, the end (else the start) of
/// effectivePeriod, else `issued`; empty when none is given.
std::string_view effective_time(const element& r) {
  std::string_view when = str(r, "effectiveDateTime");
  if (when.empty()) when = str(r, "effectiveInstant");
  if (when.empty())
    if (auto period = child(r, "effectivePeriod")) {
      when = str(*period, "end");
      if (when.empty()) when = str(*period, "start");
    }
  if (when.empty()) when = str(r, "issued");
  return when;
}

std::optional<double> number(const element& e, const char* key) {
  double value = 0;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

std::optional<bool> boolean(const element& e, const char* key) {
  bool value = false;
  if (e[key].get(value)) return std::nullopt;
  return value;
}

template <typename F>
void for_each(const element& e, const char* key, F&& each) {
  array items;
  if (e[key].get(items)) return;
  for (element item : items) each(item);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trim_copy(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

std::optional<long> to_long(std::string_view text) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct Coding {
  std::string system, code, display;
};

struct Concept {
  std::vector<Coding> codings;
  std::string text;
  /// What a person would call it: the text, else the first display, else "system|code".
  std::string label() const {
    if (!text.empty()) return text;
    for (const auto& c : codings)
      if (!c.display.empty()) return c.display;
    for (const auto& c : codings)
      if (!c.code.empty()) return c.code;
    return {};
  }
  bool empty() const { return codings.empty() && text.empty(); }
};

Concept concept_of(const element& cc) {
  Concept out;
  for_each(cc, "coding", [&](const element& coding) {
    out.codings.push_back({std::string(str(coding, "system")), std::string(str(coding, "code")),
                           std::string(str(coding, "display"))});
  });
  out.text = std::string(str(cc, "text"));
  return out;
}

// ---------------------------------------------------------------- dates

// One parser for FHIR date, dateTime and instant: core::parse_fhir_date / parse_fhir_datetime
// (core/date.h), strict to the FHIR R4 regular expressions.

// ---------------------------------------------------------------- units (UCUM)

std::string unit_key(std::string_view unit) {
  std::string out;
  for (const char c : unit)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // "µ" (U+00B5) and "μ" (U+03BC) are both written for micro.
  for (const std::string_view micro : {"\xc2\xb5", "\xce\xbc"})
    for (std::size_t at; (at = out.find(micro)) != std::string::npos;)
      out.replace(at, micro.size(), "u");
  return out;
}

/// The value in the unit the Profile uses, or nullopt when the unit cannot be converted.
std::optional<double> convert_lab(LabKind kind, double value, std::string_view unit) {
  const std::string u = unit_key(unit);
  switch (kind) {
    case LabKind::ferritin:  // ng/mL = µg/L (contract: "same number as µg/L")
      if (u == "ng/ml" || u == "ug/l" || u == "mcg/l") return value;
      return std::nullopt;
    case LabKind::tsat:
      if (u == "%") return value;
      return std::nullopt;
    case LabKind::egfr:  // mL/min/{1.73_m2}, mL/min/1.73m2, … (per 1.73 m² by the LOINC code)
      if (u.rfind("ml/min", 0) == 0) return value;
      return std::nullopt;
    case LabKind::magnesium:
      // sources: facts-s6-computed (same atomic weight) (computed from Mg = 24.305 g/mol, valence
      // 2): mmol/L × 2.431 = mg/dL; mEq/L ÷ 2.
      if (u == "mmol/l") return value;
      if (u == "mg/dl") return value * 10.0 / 24.305;
      if (u == "mg/l") return value / 24.305;
      if (u == "meq/l") return value / 2;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

/// A dose unit as the profile writes it: "ml", "tablet", "capsule", "mg", or "" for a count.
std::string dose_unit(std::string_view unit) {
  std::string u = unit_key(unit);
  if (u.size() >= 2 && u.front() == '{' && u.back() == '}') u = u.substr(1, u.size() - 2);
  if (u == "tab" || u == "tbl" || u == "tablet" || u == "tablets") return "tablet";
  if (u == "cap" || u == "capsule" || u == "capsules") return "capsule";
  if (u == "sachet" || u == "sachets") return "sachet";
  if (u == "1" || u == "each" || u == "ea" || u == "dose" || u == "unit") return "";
  return u;
}

/// How many units (tablets, capsules) a dose is; nullopt when the dose is in another unit.
std::optional<double> unit_count(const std::optional<core::Quantity>& dose) {
  if (!dose) return std::nullopt;
  if (dose->unit.empty() || dose->unit == "tablet" || dose->unit == "capsule" ||
      dose->unit == "sachet")
    return dose->value;
  return std::nullopt;
}

std::string format_minutes(int minutes) {
  return ClockTime{minutes}.str();
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(sep)) + item;
  return out;
}

std::string times_text(const std::vector<ClockTime>& times) {
  std::vector<std::string> parts;
  for (const auto& t : times) parts.push_back(t.str());
  return join(parts, ", ");
}

std::string plural(int count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

}  // namespace

LabKind lab_kind_of_loinc(std::string_view code) {
  for (const auto& entry : kLoincCodes)
    if (entry.code == code) return entry.kind;
  return LabKind::none;
}

std::vector<std::string_view> loinc_codes_read() {
  std::vector<std::string_view> codes;
  for (const auto& entry : kLoincCodes) codes.push_back(entry.code);
  return codes;
}

std::optional<double> lab_value_in_profile_unit(LabKind kind, double value, std::string_view unit) {
  return convert_lab(kind, value, unit);
}

std::vector<std::string> snomed_codes_of_condition(const core::Kb& kb,
                                                   std::string_view condition_id) {
  std::vector<std::string> codes;
  const core::Condition* condition = kb.condition(std::string(condition_id));
  if (!condition) return codes;
  codes = condition->snomed;
  for (const auto& extra : kSnomedExtras)
    if (extra.condition == condition_id &&
        std::find(codes.begin(), codes.end(), extra.code) == codes.end()) {
      // The mapper applies an extra only when no KB condition already lists the code.
      bool listed_elsewhere = false;
      for (const auto& other : kb.conditions)
        listed_elsewhere = listed_elsewhere || std::find(other.snomed.begin(), other.snomed.end(),
                                                         extra.code) != other.snomed.end();
      if (!listed_elsewhere) codes.emplace_back(extra.code);
    }
  return codes;
}

bool looks_like_fhir(std::string_view text) {
  std::size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // UTF-8 byte-order mark
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos >= text.size() || text[pos] != '{') return false;
  // The first document (or NDJSON line) names a resourceType; a profile never has that key.
  const std::size_t line_end = text.find('\n', pos);
  const std::string_view first =
      text.substr(pos, line_end == std::string_view::npos ? text.npos : line_end - pos);
  if (first.find("\"resourceType\"") != std::string_view::npos) return true;
  return text.find("\"resourceType\"") != std::string_view::npos;
}

// ================================================================= the mapper

namespace fhir_detail {

// One ingredient of a medicine, as resolved.
struct Part {
  enum Kind { medicine, form, unknown } kind = unknown;
  std::string id;       // KB medicine or form id
  std::string name;     // KB name, or the RxTerms/coded name for unknown
  std::string rx_name;  // RxTerms ingredient name, to find the strength in the display
};

}  // namespace fhir_detail

using fhir_detail::Part;

struct FhirTerms::Tables {
  std::unordered_map<long, Part> rx_kb;
  std::unordered_map<std::string, Part> atc_kb;
  std::unordered_map<std::string, std::string> snomed_kb;
};

FhirTerms::FhirTerms(const core::Kb& kb, const core::NameIndex& names)
    : kb_(kb), names_(names), tables_(std::make_unique<Tables>()) {
  auto& t = *tables_;
  for (const auto& med : kb.medicines)
    for (const long code : med.rxnorm)
      t.rx_kb.emplace(code, Part{Part::medicine, med.id, med.name, ""});
  for (const auto& form : kb.forms)
    for (const long code : form.rxnorm)
      t.rx_kb.emplace(code, Part{Part::form, form.id, form.name, ""});
  for (auto& [code, part] : t.rx_kb)
    part.rx_name = std::string(rxnorm::ingredient_name(code).value_or(""));
  for (const auto& med : kb.medicines)
    for (const auto& code : med.atc)
      t.atc_kb.emplace(code, Part{Part::medicine, med.id, med.name, ""});
  for (const auto& form : kb.forms)
    for (const auto& code : form.atc)
      t.atc_kb.emplace(code, Part{Part::form, form.id, form.name, ""});
  for (const auto& condition : kb.conditions)
    for (const auto& code : condition.snomed) t.snomed_kb.emplace(code, condition.id);
  for (const auto& extra : kSnomedExtras)
    if (kb.condition(std::string(extra.condition)))
      t.snomed_kb.emplace(std::string(extra.code), std::string(extra.condition));
}

FhirTerms::~FhirTerms() = default;

// Input plausibility bounds (not clinical numbers): an offset past a whole day, more than one dose
// a minute or a period of more than a century are typing or export errors, never a regimen.
constexpr int kMaxOffsetMinutes = 24 * 60;
constexpr double kMaxFrequency = 24 * 60;
constexpr double kMaxPeriod = 100 * 365;

struct FhirMapper::Impl {
  Impl(const FhirTerms& terms_, FhirOptions options_)
      : kb(terms_.kb()), names(terms_.names()), tables(terms_.tables()), options(options_) {}

  struct Dosage {
    std::vector<ClockTime> time_of_day;
    std::vector<std::string> when;
    std::optional<int> offset;
    std::optional<double> frequency, period;
    std::string unreadable;  // why the timing cannot be used ("" when it can)
    std::string period_unit, code;
    bool as_needed = false;
    std::optional<core::Quantity> dose;
  };

  struct MedicationInfo {
    Concept code;
    std::vector<Concept> ingredients;
  };

  struct MedRecord {
    std::string label;  // "MedicationRequest/abc"
    std::string subject;
    bool draft = false;
    bool request = false;  // a MedicationRequest: prescribed by a clinician
    Concept code_concept;
    std::string medication_ref, medication_display;
    std::map<std::string, MedicationInfo> contained;
    std::vector<Dosage> dosages;
    std::size_t order = 0;
  };

  struct ObsRecord {
    LabKind kind = LabKind::none;
    double value = 0;
    std::string comparator, label, subject, given;  // given: value and unit as written
    std::optional<bool> pregnant;
    long long when = LLONG_MIN;
    std::optional<core::CalendarDate> date;  // the day it was measured (absent: no readable date)
    std::size_t order = 0;
  };

  struct CondRecord {
    std::string id, subject;
  };

  struct SleepRecord {
    SleepItem item = SleepItem::none;
    bool answer = false;
    std::string label, subject;
    long long when = LLONG_MIN;
    std::size_t order = 0;
  };

  struct PatientRecord {
    std::string id, full_url, birth_date, gender, country;
    bool deceased = false;
    bool present = false;
  };

  const core::Kb& kb;
  const core::NameIndex& names;
  const FhirTerms::Tables& tables;
  FhirOptions options;

  PatientRecord patient;
  int other_patients = 0;
  std::vector<MedRecord> meds;
  std::map<std::string, MedicationInfo> medications;  // by "Medication/id" and by fullUrl
  std::vector<ObsRecord> observations;
  std::vector<CondRecord> conditions;
  std::map<std::string, int> skipped_types, obs_skipped_status, cond_inactive;
  std::map<std::pair<std::string, std::string>, int> med_ignored;  // (type, status)
  int obs_outside = 0, cond_outside = 0, obs_no_value = 0;
  std::vector<std::string> obs_bad_unit;
  std::vector<SleepRecord> sleep_answers;
  std::vector<std::string>
      sleep_not_used;  // sleep-looking Observations willis does not read, each named
  std::size_t order = 0;
  simdjson::dom::parser parser;

  // ---- reading resources ----

  std::optional<Error> add(const element& resource, std::string_view full_url, bool draft,
                           int depth) {
    object obj;
    if (resource.get(obj))
      return Error(Errc::invalid_type, "resource", "expected a FHIR resource (a JSON object)");
    const std::string_view type = str(resource, "resourceType");
    if (type.empty())
      return Error(Errc::missing_field, "resourceType",
                   "not a FHIR resource: no \"resourceType\" (expected a Bundle, a resource or "
                   "NDJSON of resources)");
    ++order;
    if (type == "Bundle") {
      if (depth > 8) return Error(Errc::invalid_value, "Bundle", "Bundles nested more than 8 deep");
      std::optional<Error> failure;
      for_each(resource, "entry", [&](const element& entry) {
        if (failure) return;
        const auto inner = child(entry, "resource");
        if (!inner) return;  // e.g. a transaction DELETE entry
        failure = add(*inner, str(entry, "fullUrl"), draft, depth + 1);
      });
      return failure;
    }
    if (type == "Patient")
      read_patient(resource, full_url);
    else if (type == "MedicationRequest" || type == "MedicationStatement")
      read_med(resource, type, full_url, draft);
    else if (type == "Medication")
      read_medication(resource, full_url);
    else if (type == "Observation")
      read_observation(resource);
    else if (type == "Condition")
      read_condition(resource);
    else
      ++skipped_types[std::string(type)];
    return std::nullopt;
  }

  void read_patient(const element& r, std::string_view full_url) {
    const std::string id(str(r, "id"));
    if (patient.present) {
      if (id != patient.id || id.empty()) ++other_patients;
      return;
    }
    patient.present = true;
    patient.id = id;
    patient.full_url = std::string(full_url);
    patient.birth_date = std::string(str(r, "birthDate"));
    patient.gender = std::string(str(r, "gender"));
    patient.deceased =
        boolean(r, "deceasedBoolean").value_or(false) || !str(r, "deceasedDateTime").empty();
    for_each(r, "address", [&](const element& address) {
      if (patient.country.empty()) patient.country = std::string(str(address, "country"));
    });
  }

  static std::string subject_of(const element& r) {
    if (auto subject = child(r, "subject")) return std::string(str(*subject, "reference"));
    if (auto subject = child(r, "patient")) return std::string(str(*subject, "reference"));
    return {};
  }

  static MedicationInfo medication_info(const element& r) {
    MedicationInfo info;
    if (auto code = child(r, "code")) info.code = concept_of(*code);
    for_each(r, "ingredient", [&](const element& ingredient) {
      if (auto item = child(ingredient, "itemCodeableConcept"))
        info.ingredients.push_back(concept_of(*item));
    });
    return info;
  }

  void read_medication(const element& r, std::string_view full_url) {
    const MedicationInfo info = medication_info(r);
    const std::string_view id = str(r, "id");
    if (!id.empty()) medications["Medication/" + std::string(id)] = info;
    if (!full_url.empty()) medications[std::string(full_url)] = info;
  }

  static Dosage read_dosage(const element& d) {
    Dosage out;
    out.as_needed = boolean(d, "asNeededBoolean").value_or(false) ||
                    child(d, "asNeededCodeableConcept").has_value();
    if (auto timing = child(d, "timing")) {
      if (auto code = child(*timing, "code")) {
        const Concept c = concept_of(*code);
        out.code = c.codings.empty() ? c.text : c.codings.front().code;
      }
      if (auto repeat = child(*timing, "repeat")) {
        for_each(*repeat, "timeOfDay", [&](const element& t) {
          std::string_view text;
          if (t.get(text)) return;
          if (auto parsed = core::parse_clock_time(text.substr(0, 5)))
            out.time_of_day.push_back(*parsed);
        });
        for_each(*repeat, "when", [&](const element& w) {
          std::string_view text;
          if (!w.get(text)) out.when.emplace_back(text);
        });
        // Range checks before any cast (issue 13): FHIR's offset is an unsignedInt of minutes and
        // frequency a positiveInt; a negative or huge offset would invent a dose time.
        if (auto offset = number(*repeat, "offset")) {
          if (*offset >= 0 && *offset <= kMaxOffsetMinutes && std::floor(*offset) == *offset)
            out.offset = static_cast<int>(*offset);
          else
            out.unreadable = fmt::format(
                "offset {:g} min is not a whole number of minutes from 0 to {}; "
                "no time assumed",
                *offset, kMaxOffsetMinutes);
        }
        out.frequency = number(*repeat, "frequency");
        if (out.frequency && !(*out.frequency >= 1 && *out.frequency <= kMaxFrequency &&
                               std::floor(*out.frequency) == *out.frequency)) {
          out.unreadable =
              fmt::format("frequency {:g} is not a whole number from 1 to {}; no time assumed",
                          *out.frequency, kMaxFrequency);
          out.frequency.reset();
        }
        out.period = number(*repeat, "period");
        if (out.period && !(*out.period > 0 && *out.period <= kMaxPeriod)) {
          out.unreadable =
              fmt::format("period {:g} is not above 0 and at most {:g}; no time assumed",
                          *out.period, kMaxPeriod);
          out.period.reset();
        }
        out.period_unit = std::string(str(*repeat, "periodUnit"));
      }
    }
    const auto read_quantity = [&](const element& q) {
      if (auto value = number(q, "value")) {
        std::string_view unit = str(q, "code");
        if (unit.empty()) unit = str(q, "unit");
        out.dose = core::Quantity{*value, dose_unit(unit)};
      }
    };
    for_each(d, "doseAndRate", [&](const element& dr) {
      if (out.dose) return;
      if (auto q = child(dr, "doseQuantity")) read_quantity(*q);
    });
    return out;
  }

  void read_med(const element& r, std::string_view type, std::string_view full_url, bool draft) {
    const std::string status(str(r, "status"));
    const bool request = type == "MedicationRequest";
    static const std::set<std::string, std::less<>> kRequestCounted = {"active", "on-hold", "draft",
                                                                       "unknown"};
    static const std::set<std::string, std::less<>> kStatementCounted = {"active", "intended",
                                                                         "on-hold", "unknown"};
    const bool counted = draft || (request ? kRequestCounted : kStatementCounted).count(status) > 0;
    if (!counted) {
      ++med_ignored[{std::string(type), status.empty() ? "no status" : status}];
      return;
    }
    if (request && boolean(r, "doNotPerform").value_or(false)) {
      ++med_ignored[{std::string(type), "doNotPerform"}];
      return;
    }
    MedRecord rec;
    const std::string_view id = str(r, "id");
    rec.label = !id.empty()         ? fmt::format("{}/{}", type, id)
                : !full_url.empty() ? std::string(full_url)
                                    : fmt::format("{} without id", type);
    rec.subject = subject_of(r);
    rec.draft = draft || status == "draft";
    rec.request = request;
    rec.order = ++order;
    if (auto cc = child(r, "medicationCodeableConcept")) rec.code_concept = concept_of(*cc);
    if (auto ref = child(r, "medicationReference")) {
      rec.medication_ref = std::string(str(*ref, "reference"));
      rec.medication_display = std::string(str(*ref, "display"));
    }
    for_each(r, "contained", [&](const element& c) {
      if (str(c, "resourceType") == "Medication")
        rec.contained["#" + std::string(str(c, "id"))] = medication_info(c);
    });
    for_each(r, request ? "dosageInstruction" : "dosage",
             [&](const element& d) { rec.dosages.push_back(read_dosage(d)); });
    meds.push_back(std::move(rec));
  }

  void read_observation(const element& r) {
    LabKind kind = LabKind::none;
    std::string loinc;
    if (auto code = child(r, "code")) {
      for (const auto& coding : concept_of(*code).codings) {
        if (coding.system != kLoinc) continue;
        kind = lab_kind_of_loinc(coding.code);
        if (kind != LabKind::none) {
          loinc = coding.code;
          break;
        }
      }
    }
    if (kind == LabKind::none) {
      read_sleep_observation(r);
      return;
    }
    const std::string status(str(r, "status"));
    if (status != "final" && status != "amended" && status != "corrected" &&
        status != "preliminary") {
      ++obs_skipped_status[status.empty() ? "without status" : status];
      return;
    }
    ObsRecord rec;
    rec.kind = kind;
    rec.label = fmt::format("Observation/{} (LOINC {})", str(r, "id"), loinc);
    rec.subject = subject_of(r);
    rec.order = ++order;
    const std::string_view when = effective_time(r);
    // The day it was measured: a partial date ("2024-03") counts from its first day (older is
    // safer).
    if (const auto parsed = core::parse_fhir_datetime(when)) {
      rec.when = parsed->utc_seconds;
      rec.date = parsed->date.first_day();
    }
    if (kind == LabKind::pregnancy_status) {
      if (auto value = child(r, "valueCodeableConcept"))
        for (const auto& coding : concept_of(*value).codings)
          if (auto answer = pregnancy_answer(coding.code)) rec.pregnant = answer;
      if (!rec.pregnant) {
        ++obs_no_value;
        return;
      }
      observations.push_back(std::move(rec));
      return;
    }
    const auto quantity = child(r, "valueQuantity");
    const auto value = quantity ? number(*quantity, "value") : std::nullopt;
    if (!value) {
      ++obs_no_value;
      return;
    }
    std::string_view unit = str(*quantity, "code");
    if (unit.empty()) unit = str(*quantity, "unit");
    rec.comparator = std::string(str(*quantity, "comparator"));
    rec.given = fmt::format("{}{} {}", rec.comparator, *value, unit);
    const auto converted = convert_lab(kind, *value, unit);
    if (!converted) {
      obs_bad_unit.push_back(fmt::format("{}: \"{}\"", rec.label, unit));
      return;
    }
    rec.value = *converted;
    observations.push_back(std::move(rec));
  }

  /// An Observation outside the lab value sets: a sleep answer willis maps, a sleep answer it
  /// reports by name, or (anything else) one more Observation counted as outside the value sets.
  void read_sleep_observation(const element& r) {
    Concept code;
    if (auto cc = child(r, "code")) code = concept_of(*cc);
    const SleepLoinc* entry = nullptr;
    for (const auto& coding : code.codings)
      if (coding.system == kLoinc && (entry = sleep_loinc(coding.code))) break;
    std::vector<std::string> shown{code.text};
    for (const auto& coding : code.codings) shown.push_back(coding.display);
    const bool sleepy_name = std::any_of(shown.begin(), shown.end(),
                                         [](const std::string& n) { return looks_like_sleep(n); });
    const std::string_view id = str(r, "id");
    const std::string label =
        entry ? fmt::format("Observation/{} (LOINC {} \"{}\")", id, entry->code, code.label())
              : fmt::format("Observation/{} (\"{}\")", id, code.label());
    if (!entry) {
      if (!sleepy_name) {
        ++obs_outside;
        return;
      }
      // Fail closed: it looks like a sleep answer, so it is named, not just counted.
      sleep_not_used.push_back(
          fmt::format("{} looks like a sleep answer, but its code is not one willis maps to the "
                      "sleep questions: not used. "
                      "Answer the sleep questions in the profile instead.",
                      label));
      return;
    }
    if (entry->item == SleepItem::not_mapped) {
      sleep_not_used.push_back(
          fmt::format("{} is a sleep question willis recognises but does not map ({}): not used.",
                      label, entry->why));
      return;
    }
    const std::string status(str(r, "status"));
    if (status != "final" && status != "amended" && status != "corrected" &&
        status != "preliminary") {
      ++obs_skipped_status[status.empty() ? "without status" : status];
      return;
    }
    std::optional<bool> answer;
    bool has_value = false;
    if (auto b = child(r, "valueBoolean")) {
      has_value = true;
      bool value = false;
      if (!b->get(value)) answer = value;
    }
    if (auto value = child(r, "valueCodeableConcept")) {
      has_value = true;
      for (const auto& coding : concept_of(*value).codings)
        if (coding.system == kLoinc)
          if (auto yn = yes_no_answer(coding.code)) answer = yn;
    }
    if (!answer) {
      sleep_not_used.push_back(fmt::format(
          "{}: {}; only Yes or No (valueBoolean, LOINC LA33-6 / LA32-8) is read: not used.", label,
          has_value ? "the answer is not a yes or no willis reads" : "no answer"));
      return;
    }
    SleepRecord rec;
    rec.item = entry->item;
    rec.answer = *answer;
    rec.label = label;
    rec.subject = subject_of(r);
    rec.order = ++order;
    const std::string_view when = effective_time(r);
    if (const auto parsed = core::parse_fhir_datetime(when)) rec.when = parsed->utc_seconds;
    sleep_answers.push_back(std::move(rec));
  }

  void read_condition(const element& r) {
    std::string clinical;
    if (auto cs = child(r, "clinicalStatus")) {
      const Concept c = concept_of(*cs);
      clinical = c.codings.empty() ? c.text : c.codings.front().code;
    }
    std::string verification;
    if (auto vs = child(r, "verificationStatus")) {
      const Concept c = concept_of(*vs);
      verification = c.codings.empty() ? c.text : c.codings.front().code;
    }
    // No clinicalStatus is read as active (conservative); refuted and entered-in-error never count.
    if (verification == "refuted" || verification == "entered-in-error") {
      ++cond_inactive[verification];
      return;
    }
    if (!clinical.empty() && clinical != "active" && clinical != "recurrence" &&
        clinical != "relapse") {
      ++cond_inactive[clinical];
      return;
    }
    Concept code;
    if (auto cc = child(r, "code")) code = concept_of(*cc);
    std::string id;
    for (const auto& coding : code.codings)
      if (coding.system == kSnomed)
        if (auto found = tables.snomed_kb.find(coding.code); found != tables.snomed_kb.end()) {
          id = found->second;
          break;
        }
    if (id.empty()) {
      // Name fallback, without SNOMED's semantic tag: "Restless legs syndrome (disorder)".
      std::vector<std::string> candidates{code.text};
      for (const auto& coding : code.codings) candidates.push_back(coding.display);
      for (auto name : candidates) {
        if (const auto paren = name.rfind(" ("); paren != std::string::npos && name.back() == ')')
          name.resize(paren);
        if (name.empty()) continue;
        if (auto found = names.condition(name)) {
          id = *found;
          break;
        }
      }
    }
    if (id.empty()) {
      // Not identified: its words go to the engine, which reports it as unrecognised (and treats
      // kidney words as kidney disease of unknown stage) exactly as for a typed profile.
      std::string name = code.text;
      for (const auto& coding : code.codings)
        if (name.empty()) name = coding.display;
      if (const auto paren = name.rfind(" (");
          paren != std::string::npos && !name.empty() && name.back() == ')')
        name.resize(paren);
      if (name.empty())
        for (const auto& coding : code.codings)
          if (name.empty() && !coding.code.empty()) name = "condition code " + coding.code;
      if (name.empty()) name = "a Condition with no code or text";
      ++cond_outside;
      conditions.push_back({name, subject_of(r)});
      return;
    }
    conditions.push_back({id, subject_of(r)});
  }

  // ---- mapping ----

  bool is_patient(const std::string& reference) const {
    if (reference.empty()) return true;  // one patient's resources: no subject means this patient
    if (!patient.full_url.empty() && reference == patient.full_url) return true;
    if (patient.id.empty()) return false;
    const std::string local = "Patient/" + patient.id;
    return reference == local || (reference.size() > local.size() &&
                                  reference.compare(reference.size() - local.size() - 1,
                                                    std::string::npos, "/" + local) == 0);
  }

  const MedicationInfo* find_medication(const MedRecord& rec) const {
    if (rec.medication_ref.empty()) return nullptr;
    if (auto it = rec.contained.find(rec.medication_ref); it != rec.contained.end())
      return &it->second;
    if (auto it = medications.find(rec.medication_ref); it != medications.end()) return &it->second;
    // An absolute reference to a Medication known by Type/id.
    const auto slash = rec.medication_ref.rfind("/Medication/");
    if (slash != std::string::npos)
      if (auto it = medications.find(rec.medication_ref.substr(slash + 1)); it != medications.end())
        return &it->second;
    return nullptr;
  }

  struct Resolved {
    std::vector<Part> parts;
    std::string via;  // "RxNorm 2551", "ATC J01MA02", "name"
  };

  Part part_for_ingredient(long ing) const {
    if (auto it = tables.rx_kb.find(ing); it != tables.rx_kb.end()) return it->second;
    const std::string name(rxnorm::ingredient_name(ing).value_or(""));
    return Part{Part::unknown, "", name.empty() ? fmt::format("RxNorm ingredient {}", ing) : name,
                name};
  }

  std::optional<Resolved> resolve_codes(const Concept& code_concept) const {
    for (const auto& coding : code_concept.codings) {
      if (coding.system != kRxNorm) continue;
      const auto code = to_long(coding.code);
      if (!code) continue;
      if (auto it = tables.rx_kb.find(*code); it != tables.rx_kb.end())
        return Resolved{{it->second}, "RxNorm " + coding.code};
      const auto ingredients = rxnorm::product_ingredient_codes(*code);
      if (ingredients.empty()) continue;
      Resolved resolved{{}, "RxNorm " + coding.code};
      for (const long ing : ingredients) resolved.parts.push_back(part_for_ingredient(ing));
      return resolved;
    }
    for (const auto& coding : code_concept.codings) {
      if (coding.system != kAtc) continue;
      if (auto it = tables.atc_kb.find(coding.code); it != tables.atc_kb.end())
        return Resolved{{it->second}, "ATC " + coding.code};
    }
    return std::nullopt;
  }

  // The strength of one ingredient in an RxNorm-style name: "magnesium oxide 400 MG Oral Tablet".
  static std::optional<std::pair<double, bool>> strength_in(const std::string& display,
                                                            const std::string& ingredient) {
    if (ingredient.empty()) return std::nullopt;
    const std::string text = lower(display);
    const auto at = text.find(lower(ingredient));
    if (at == std::string::npos) return std::nullopt;
    std::size_t pos = at + ingredient.size();
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const std::size_t start = pos;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
      ++pos;
    if (pos == start) return std::nullopt;
    const double value = std::strtod(text.substr(start, pos - start).c_str(), nullptr);
    while (pos < text.size() && text[pos] == ' ') ++pos;
    std::size_t end = pos;
    while (end < text.size() && text[end] != ' ') ++end;
    const std::string unit = text.substr(pos, end - pos);
    if (unit == "mg") return std::make_pair(value, false);
    if (unit == "mg/ml") return std::make_pair(value, true);
    return std::nullopt;
  }

  struct Timing {
    std::vector<ClockTime> times;
    std::optional<int> per_day;
    std::vector<std::string> assumed;  // how assumed times were made, for the note
    bool as_needed = false;
  };

  static Timing timing_of(const std::vector<Dosage>& dosages) {
    Timing out;
    std::set<int> minutes;
    for (const auto& d : dosages) {
      if (!d.unreadable.empty()) {  // fail closed: this dosage gives no time at all
        out.assumed.push_back(d.unreadable);
        continue;
      }
      if (!d.time_of_day.empty()) {
        for (const auto& t : d.time_of_day) minutes.insert(t.minutes);
        continue;
      }
      std::optional<double> per_day;
      if (d.frequency && d.period && *d.period > 0) {
        static const std::map<std::string, double, std::less<>> kPerDay = {
            {"s", 86400},    {"min", 1440},    {"h", 24},       {"d", 1},
            {"wk", 1.0 / 7}, {"mo", 1.0 / 30}, {"a", 1.0 / 365}};
        if (auto it = kPerDay.find(d.period_unit); it != kPerDay.end())
          per_day = *d.frequency * it->second / *d.period;
        if (per_day && !(std::isfinite(*per_day) && *per_day <= kMaxFrequency)) {
          out.assumed.push_back(
              fmt::format("{:g} doses a day is not possible; no time assumed", *per_day));
          continue;
        }
      } else if (d.frequency && d.period_unit.empty() && !d.period) {
        per_day = *d.frequency;
      }
      if (!per_day && !d.code.empty()) {
        static const std::map<std::string, double, std::less<>> kCodes = {
            {"QD", 1},   {"BID", 2},      {"TID", 3},      {"QID", 4}, {"QOD", 0.5},
            {"Q1H", 24}, {"Q2H", 12},     {"Q3H", 8},      {"Q4H", 6}, {"Q6H", 4},
            {"Q8H", 3},  {"WK", 1.0 / 7}, {"MO", 1.0 / 30}};
        if (d.code == "AM") {
          minutes.insert(8 * 60);
          out.assumed.push_back("AM -> 08:00");
          continue;
        }
        if (d.code == "PM" || d.code == "BED") {
          minutes.insert(d.code == "PM" ? 20 * 60 : 22 * 60 + 30);
          out.assumed.push_back(d.code == "PM" ? "PM -> 20:00" : "BED -> 22:30");
          continue;
        }
        if (auto it = kCodes.find(d.code); it != kCodes.end()) per_day = it->second;
      }
      if (!d.when.empty()) {
        for (const auto& code : d.when) {
          const auto* event = std::find_if(kEvents.begin(), kEvents.end(),
                                           [&](const EventTime& e) { return e.code == code; });
          if (event == kEvents.end()) {
            out.assumed.push_back(code + " (not a time willis knows; ignored)");
            continue;
          }
          const bool before = code.rfind("AC", 0) == 0;
          const int offset = d.offset.value_or(event->default_offset);
          int meals = 0;
          for (const int base : event->minutes) {
            if (base < 0) continue;
            // An unspecific meal code with N doses a day is the first N meals.
            if (event->minutes[1] >= 0 && per_day &&
                meals >= std::max(1, static_cast<int>(std::lround(*per_day))))
              break;
            ++meals;
            const int at = ((base + (before ? -offset : offset)) % core::kMinutesPerDay +
                            core::kMinutesPerDay) %
                           core::kMinutesPerDay;
            minutes.insert(at);
            out.assumed.push_back(fmt::format(
                "{}{} -> {}", code, d.offset ? fmt::format(" offset {} min", *d.offset) : "",
                format_minutes(at)));
          }
        }
        continue;
      }
      if (d.as_needed) {
        out.as_needed = true;
        continue;
      }
      if (per_day) {
        const int doses = std::clamp(static_cast<int>(std::lround(*per_day)), 1, 24);
        const auto spread_times = spread(doses);
        for (const auto& t : spread_times) minutes.insert(t.minutes);
        out.assumed.push_back(
            *per_day < 1 ? fmt::format("{:g} doses a day -> {}", *per_day, times_text(spread_times))
                         : fmt::format("{} a day -> {}", plural(doses, "dose", "doses"),
                                       times_text(spread_times)));
        if (!out.per_day) out.per_day = doses;
      }
    }
    for (const int m : minutes) out.times.push_back(ClockTime{m});
    if (!out.times.empty()) out.per_day = static_cast<int>(out.times.size());
    return out;
  }

  void map_medicine(const MedRecord& rec, FhirProfile& out) {
    Concept code_concept = rec.code_concept;
    const MedicationInfo* medication = find_medication(rec);
    std::vector<Concept> ingredient_concepts;
    if (medication) {
      if (code_concept.empty()) code_concept = medication->code;
      ingredient_concepts = medication->ingredients;
    } else if (!rec.medication_ref.empty() && code_concept.empty()) {
      out.notes.push_back(
          fmt::format("{}: the Medication \"{}\" it refers to was not in the input; {}.", rec.label,
                      rec.medication_ref,
                      rec.medication_display.empty() ? "the medicine could not be identified"
                                                     : "its display text was used"));
      code_concept.text = rec.medication_display;
    }
    std::string display = code_concept.label();
    std::optional<Resolved> resolved = resolve_codes(code_concept);
    if (!resolved && !ingredient_concepts.empty()) {
      // A Medication with no usable code: its ingredients' codes.
      Resolved all{{}, "Medication.ingredient"};
      for (const auto& ingredient : ingredient_concepts) {
        if (auto one = resolve_codes(ingredient)) {
          all.parts.insert(all.parts.end(), one->parts.begin(), one->parts.end());
        } else {
          all.parts.push_back(Part{Part::unknown, "", ingredient.label(), ""});
        }
      }
      if (!all.parts.empty()) resolved = std::move(all);
      if (display.empty()) {
        std::vector<std::string> labels;
        for (const auto& ingredient : ingredient_concepts) labels.push_back(ingredient.label());
        display = join(labels, " / ");
      }
    }
    if (display.empty()) display = fmt::format("unidentified medicine ({})", rec.label);

    const Timing timing = timing_of(rec.dosages);
    const std::optional<core::Quantity> dose =
        rec.dosages.empty() ? std::nullopt : rec.dosages.front().dose;
    if (!timing.assumed.empty())
      out.notes.push_back(fmt::format("Times assumed for \"{}\" ({}): {}.", display, rec.label,
                                      join(timing.assumed, "; ")));
    if (timing.as_needed && timing.times.empty())
      out.notes.push_back(fmt::format("\"{}\" is taken as needed: no times were given.", display));

    auto add_medicine = [&](const std::string& name) {
      core::MedicineEntry entry;
      entry.name = name;
      entry.amount = dose;
      entry.times = timing.times;
      entry.per_day = timing.per_day;
      entry.prescribed = rec.request;
      if (rec.draft) out.draft_medicines.push_back(out.profile.medicines.size());
      out.profile.medicines.push_back(std::move(entry));
      out.medicine_origins.push_back(rec.label);
    };

    if (!resolved) {
      // No code willis knows: the text goes to the engine's name resolution, which reports it as
      // unrecognised when nothing matches (never dropped).
      if (!code_concept.codings.empty()) {
        std::vector<std::string> codes;
        for (const auto& c : code_concept.codings)
          codes.push_back(c.system == kRxNorm   ? "RxNorm " + c.code
                          : c.system == kSnomed ? "SNOMED CT " + c.code
                          : c.system == kAtc    ? "ATC " + c.code
                          : c.system.empty()    ? c.code
                                                : c.system + "|" + c.code);
        const auto match = names.medicine(display);
        const bool named = !match.ids.empty() ||
                           names.supplement(display).kind != core::SupplementMatch::Kind::unknown;
        out.notes.push_back(fmt::format("\"{}\" ({}): code {} is not in willis's tables; {}.",
                                        display, rec.label, join(codes, ", "),
                                        named ? "identified by its name" : "checked by its name"));
      }
      add_medicine(display);
      return;
    }

    std::vector<const Part*> medicines, forms, unknown;
    for (const auto& part : resolved->parts)
      (part.kind == Part::medicine ? medicines
       : part.kind == Part::form   ? forms
                                   : unknown)
          .push_back(&part);

    if (!medicines.empty()) {
      // Keep the display text when the engine's name resolution reads it as exactly these
      // ingredients (so the person sees their own words); otherwise name the KB ingredients.
      std::set<std::string> wanted;
      for (const auto* part : medicines) wanted.insert(part->id);
      const auto match = names.medicine(display);
      const std::set<std::string> got(match.ids.begin(), match.ids.end());
      if (got == wanted && match.unknown.empty() && forms.empty() && unknown.empty()) {
        add_medicine(display);
      } else {
        std::vector<std::string> kb_names;
        for (const auto* part : medicines) kb_names.push_back(part->name);
        add_medicine(join(kb_names, " / "));
      }
    }
    for (const auto* part : forms) {
      // A magnesium salt: a supplement, so that the elemental amount is counted (the engine
      // converts a compound amount with the salt's fraction).
      core::SupplementEntry supplement;
      const auto by_name = names.supplement(display);
      supplement.name =
          resolved->parts.size() == 1 && by_name.form_id == part->id ? display : part->name;
      supplement.times = timing.times;
      supplement.per_day = timing.per_day.value_or(1);
      supplement.prescribed = rec.request;
      if (auto strength = strength_in(display, part->rx_name)) {
        const auto [mg, per_ml] = *strength;
        std::optional<double> amount;
        if (per_ml && dose && dose->unit == "ml")
          amount = mg * dose->value;
        else if (!per_ml && dose && dose->unit == "mg")
          amount = dose->value;
        else if (!per_ml)
          amount = mg * unit_count(dose).value_or(1);
        if (amount) {
          supplement.amount_mg = *amount;
          supplement.amount_basis = core::AmountBasis::compound;
          out.notes.push_back(fmt::format(
              "\"{}\": {} mg of {} per dose read from the product name and counted as the salt's "
              "weight (RxNorm "
              "strengths are usually the salt; check the label's elemental magnesium){}.",
              display, core::format_number(*amount), part->name,
              !dose && !per_ml ? "; one unit per dose assumed" : ""));
        }
      }
      if (rec.draft) out.draft_supplements.push_back(out.profile.supplements.size());
      out.profile.supplements.push_back(std::move(supplement));
      out.supplement_origins.push_back(rec.label);
    }
    if (!unknown.empty()) {
      // Ingredients willis does not know: one entry, which the engine reports as unrecognised.
      std::vector<std::string> unknown_names;
      for (const auto* part : unknown) unknown_names.push_back(part->name);
      if (medicines.empty() && forms.empty()) {
        add_medicine(display);
      } else {
        add_medicine(join(unknown_names, ", "));
        out.notes.push_back(
            fmt::format("\"{}\" ({}): ingredients not in willis's knowledge base: {}.", display,
                        resolved->via, join(unknown_names, ", ")));
      }
    }
  }

  core::Result<FhirProfile> finish() {
    FhirProfile out;
    if (!patient.present)
      return Error(Errc::missing_field, "Patient",
                   "no Patient resource: willis needs the patient's birth date and sex (add the "
                   "Patient to the Bundle)");
    out.patient_id = patient.id;
    auto& p = out.profile;

    // Age at as_of, from the birth date (a partial date is read as its latest day: the younger
    // age, whose rules are the stricter ones).
    if (patient.birth_date.empty())
      return Error(Errc::missing_field, "Patient.birthDate",
                   "the Patient has no birthDate: willis needs the age");
    auto birth = core::parse_fhir_date(patient.birth_date);
    if (!birth)
      return Error(Errc::invalid_value, "Patient.birthDate",
                   fmt::format("\"{}\" is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)",
                               patient.birth_date));
    if (birth->precision < 3) {
      if (birth->precision < 2) birth->month = 12;
      birth->day = core::days_in_month(birth->year, birth->month);
      out.notes.push_back(
          fmt::format("Birth date \"{}\" is partial: {}-{:02}-{:02} assumed (the younger age).",
                      patient.birth_date, birth->year, birth->month, birth->day));
    }
    const auto& today = options.as_of;
    if (std::tie(birth->year, birth->month, birth->day) >
        std::tie(today.year, today.month, today.day))
      return Error(Errc::invalid_value, "Patient.birthDate",
                   fmt::format("birth date {} is after the assessment date {}", patient.birth_date,
                               today.str()));
    int age = today.year - birth->year;
    if (std::tie(today.month, today.day) < std::tie(birth->month, birth->day)) --age;
    p.age = age;
    p.as_of = today;
    if (patient.gender == "female")
      p.sex = core::Sex::female;
    else if (patient.gender == "male")
      p.sex = core::Sex::male;
    if (patient.deceased) out.notes.push_back("The Patient is recorded as deceased.");

    if (options.jurisdiction) {
      p.jurisdiction = *options.jurisdiction;
    } else if (!patient.country.empty()) {
      static const std::set<std::string, std::less<>> kUs = {"us", "usa", "united states",
                                                             "united states of america"};
      static const std::set<std::string, std::less<>> kUk = {
          "gb", "gbr", "uk", "united kingdom", "england", "scotland", "wales", "northern ireland"};
      static const std::set<std::string, std::less<>> kEu = {
          "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie",
          "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se"};
      const std::string country = lower(trim_copy(patient.country));
      std::optional<core::Jurisdiction> found;
      if (kUs.count(country))
        found = core::Jurisdiction::us;
      else if (kUk.count(country))
        found = core::Jurisdiction::uk;
      else if (kEu.count(country))
        found = core::Jurisdiction::eu;
      if (found) {
        p.jurisdiction = *found;
        out.notes.push_back(fmt::format("Jurisdiction {} from the Patient's address ({}).",
                                        core::to_string(*found), patient.country));
      }
    }

    // Medicines, in input order.
    int other_subject = 0;
    for (const auto& rec : meds) {
      if (!is_patient(rec.subject)) {
        ++other_subject;
        continue;
      }
      map_medicine(rec, out);
    }
    if (!out.draft_medicines.empty() || !out.draft_supplements.empty())
      out.notes.push_back(fmt::format(
          "{} assessed together with the active list.",
          plural(static_cast<int>(out.draft_medicines.size() + out.draft_supplements.size()),
                 "draft order", "draft orders")));

    // Labs: the latest observation of each kind (ties: the later in the input).
    std::map<LabKind, const ObsRecord*> latest;
    for (const auto& obs : observations) {
      if (!is_patient(obs.subject)) {
        ++other_subject;
        continue;
      }
      const ObsRecord*& best = latest[obs.kind];
      if (!best || std::tie(obs.when, obs.order) > std::tie(best->when, best->order)) best = &obs;
    }
    for (const auto& [kind, obs] : latest) {
      if (kind == LabKind::pregnancy_status) {
        p.pregnant = *obs->pregnant;
        continue;
      }
      double value = obs->value;
      if (!obs->comparator.empty()) {
        // Honoured conservatively: a bound is read as just beyond itself, on the side it points to,
        // so "<30" is below 30 and ">1.0" mmol/L is above 1.0; the true value may be further out.
        const double step = kind == LabKind::magnesium ? 0.01 : 0.1;
        if (obs->comparator[0] == '<')
          value -= step;
        else if (obs->comparator[0] == '>')
          value += step;
        out.notes.push_back(fmt::format(
            "{} was reported as \"{}\": used as {}; the true value may be further {}.", obs->label,
            obs->given, core::format_number(value), obs->comparator[0] == '<' ? "below" : "above"));
      }
      // A FHIR result always has a date; one that cannot be read counts as out of date.
      const core::CalendarDate date = obs->date.value_or(core::CalendarDate{1900, 1, 1});
      if (!obs->date)
        out.notes.push_back(
            fmt::format("{} has no readable date: counted as out of date.", obs->label));
      switch (kind) {
        case LabKind::ferritin:
          p.labs.ferritin_ng_ml = value;
          p.labs.ferritin_date = date;
          break;
        case LabKind::tsat:
          p.labs.tsat_percent = value;
          p.labs.tsat_date = date;
          break;
        case LabKind::egfr:
          p.labs.egfr = value;
          p.labs.egfr_date = date;
          break;
        case LabKind::magnesium:
          p.labs.serum_magnesium_mmol_l = value;
          p.labs.serum_magnesium_date = date;
          break;
        default:
          break;
      }
    }

    // Sleep answers (issue 15): the latest answer to "stopped breathing"; "ever nodded off while
    // driving" counts when any answer was yes (ever is ever), and a "no" is not "not sleepy while
    // driving", so it sets nothing.
    {
      const SleepRecord* pauses = nullptr;
      const SleepRecord* driving_yes = nullptr;
      for (const auto& rec : sleep_answers) {
        if (!is_patient(rec.subject)) {
          ++other_subject;
          continue;
        }
        if (rec.item == SleepItem::witnessed_pauses) {
          if (!pauses || std::tie(rec.when, rec.order) > std::tie(pauses->when, pauses->order))
            pauses = &rec;
        } else if (rec.item == SleepItem::nodded_off_driving) {
          if (rec.answer) {
            if (!driving_yes ||
                std::tie(rec.when, rec.order) > std::tie(driving_yes->when, driving_yes->order))
              driving_yes = &rec;
          } else {
            out.notes.push_back(fmt::format(
                "{} answered No: not used (never nodding off at the wheel does not mean not "
                "feeling sleepy while driving).",
                rec.label));
          }
        }
      }
      if (pauses) {
        p.sleep.witnessed_pauses = pauses->answer;
        p.sleep.given = true;
        out.notes.push_back(fmt::format("{} read as sleep.witnessed_pauses: {}.", pauses->label,
                                        pauses->answer ? "yes" : "no"));
      }
      if (driving_yes) {
        p.sleep.sleepy_while_driving = true;
        p.sleep.given = true;
        out.notes.push_back(fmt::format("{} answered Yes: read as sleep.sleepy_while_driving: yes.",
                                        driving_yes->label));
      }
    }

    // Conditions, once each.
    std::set<std::string> seen;
    for (const auto& cond : conditions) {
      if (!is_patient(cond.subject)) {
        ++other_subject;
        continue;
      }
      if (seen.insert(cond.id).second) p.conditions.push_back(cond.id);
    }

    // What was not used, counted.
    for (const auto& [what, count] : med_ignored)
      out.notes.push_back(fmt::format(
          "{} with status {} {} not used (only active, on-hold and draft orders count).",
          plural(count, what.first, what.first + "s"), what.second, count == 1 ? "was" : "were"));
    for (const auto& [status, count] : obs_skipped_status)
      out.notes.push_back(fmt::format("{} with status {} not used.",
                                      plural(count, "Observation", "Observations"), status));
    for (const auto& bad : obs_bad_unit)
      out.notes.push_back(fmt::format("{}: unit not convertible; not used.", bad));
    if (obs_no_value)
      out.notes.push_back(fmt::format("{} without a usable value not used.",
                                      plural(obs_no_value, "Observation", "Observations")));
    for (const auto& note : sleep_not_used) out.notes.push_back(note);
    if (obs_outside)
      out.notes.push_back(fmt::format("{} outside the knowledge base's value sets {} not used.",
                                      plural(obs_outside, "Observation", "Observations"),
                                      obs_outside == 1 ? "was" : "were"));
    if (cond_outside)
      out.notes.push_back(
          fmt::format("{} outside the knowledge base's value sets {} checked by {} name.",
                      plural(cond_outside, "Condition", "Conditions"),
                      cond_outside == 1 ? "was" : "were", cond_outside == 1 ? "its" : "their"));
    for (const auto& [status, count] : cond_inactive)
      out.notes.push_back(fmt::format("{} with status {} not used.",
                                      plural(count, "Condition", "Conditions"), status));
    if (!skipped_types.empty()) {
      std::vector<std::string> parts;
      int total = 0;
      for (const auto& [type, count] : skipped_types) {
        parts.push_back(fmt::format("{} {}", type, count));
        total += count;
      }
      out.notes.push_back(fmt::format("{} of types willis does not use skipped: {}.",
                                      plural(total, "resource", "resources"), join(parts, ", ")));
    }
    if (other_subject || other_patients)
      out.notes.push_back(
          fmt::format("{} about another patient not used.",
                      plural(other_subject + other_patients, "resource", "resources")));
    return out;
  }
};

FhirMapper::FhirMapper(const FhirTerms& terms, FhirOptions options)
    : impl_(std::make_unique<Impl>(terms, options)) {}
FhirMapper::~FhirMapper() = default;
FhirMapper::FhirMapper(FhirMapper&&) noexcept = default;
FhirMapper& FhirMapper::operator=(FhirMapper&&) noexcept = default;

std::optional<Error> FhirMapper::add(const element& resource, std::string_view full_url,
                                     bool draft) {
  return impl_->add(resource, full_url, draft, 0);
}

std::optional<Error> FhirMapper::add_json(std::string_view json, bool draft) {
  element doc;
  if (const auto err = impl_->parser.parse(json.data(), json.size()).get(doc))
    return Error(Errc::parse_error, "",
                 fmt::format("not valid JSON: {}", simdjson::error_message(err)));
  return impl_->add(doc, {}, draft, 0);
}

core::Result<FhirProfile> FhirMapper::finish() && {
  return impl_->finish();
}

core::Result<FhirProfile> parse_fhir_profile(std::string_view text, const std::string& source_name,
                                             const FhirTerms& terms, const FhirOptions& options) {
  FhirMapper mapper(terms, options);
  auto with_file = [&](Error error, int line) {
    error.file = source_name;
    error.line = line;
    return error;
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // Strict (issue 13): simdjson keeps the first of two equal keys; a duplicate is an error here.
  if (auto error = check_json(text, source_name)) return *error;
  simdjson::dom::parser parser;
  element doc;
  if (!parser.parse(text.data(), text.size()).get(doc)) {
    if (auto error = mapper.add(doc, {}, false)) return with_file(*error, 0);
  } else {
    // NDJSON: one resource per line; blank lines allowed.
    int line_no = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      const std::string_view line = text.substr(start, end - start);
      ++line_no;
      start = end + 1;
      if (trim_copy(line).empty()) {
        if (end == text.size()) break;
        continue;
      }
      if (auto error = mapper.add_json(line)) return with_file(*error, line_no);
      if (end == text.size()) break;
    }
  }
  auto result = std::move(mapper).finish();
  if (!result.ok()) return with_file(result.error(), 0);
  return result;
}

}  // namespace willis::codec
