// src/codec/fhir/mapper.h: the FHIR mapper's state (internal to codec/fhir/). Resources are read
// into records as they come (bundle.cc, medicines.cc, observations.cc, sleep.cc, conditions.cc);
// finish.cc maps the records of this patient into the Profile once all are in.
#pragma once

#include <simdjson.h>

#include <climits>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "codec/fhir/dosage.h"
#include "codec/fhir/json.h"
#include "codec/fhir_profile.h"

namespace willis::codec {

namespace fhir_detail {

// One ingredient of a medicine, as resolved.
struct Part {
  enum Kind { medicine, form, unknown } kind = unknown;
  std::string id;       // KB medicine or form id
  std::string name;     // KB name, or the RxTerms/coded name for unknown
  std::string rx_name;  // RxTerms ingredient name, to find the strength in the display
};

}  // namespace fhir_detail

struct FhirTerms::Tables {
  std::unordered_map<long, fhir_detail::Part> rx_kb;
  std::unordered_map<std::string, fhir_detail::Part> atc_kb;
  std::unordered_map<std::string, std::string> snomed_kb;
};

namespace fhir {

using fhir_detail::Part;

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

enum class SleepItem { none, witnessed_pauses, nodded_off_driving, not_mapped };

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

/// How a medicine's codes resolved: KB parts, and by which code.
struct Resolved {
  std::vector<Part> parts;
  std::string via;  // "RxNorm 2551", "ATC J01MA02", "name"
};

MedicationInfo medication_info(const element& medication);

}  // namespace fhir

struct FhirMapper::Impl {
  Impl(const FhirTerms& terms_, FhirOptions options_)
      : kb(terms_.kb()), names(terms_.names()), tables(terms_.tables()), options(options_) {}

  const core::Kb& kb;
  const core::NameIndex& names;
  const FhirTerms::Tables& tables;
  FhirOptions options;

  fhir::PatientRecord patient;
  int other_patients = 0;
  std::vector<fhir::MedRecord> meds;
  std::map<std::string, fhir::MedicationInfo> medications;  // by "Medication/id" and by fullUrl
  std::vector<fhir::ObsRecord> observations;
  std::vector<fhir::CondRecord> conditions;
  std::map<std::string, int> skipped_types, obs_skipped_status, cond_inactive;
  std::map<std::pair<std::string, std::string>, int> med_ignored;  // (type, status)
  int obs_outside = 0, cond_outside = 0, obs_no_value = 0;
  std::vector<std::string> obs_bad_unit;
  std::vector<fhir::SleepRecord> sleep_answers;
  std::vector<std::string> sleep_not_used;  // sleep-looking Observations not read, each named
  std::size_t order = 0;
  int other_subject = 0;  // records about another patient, counted while mapping
  simdjson::dom::parser parser;

  // ---- reading resources (bundle.cc and one file per resource family) ----
  std::optional<core::Error> add(const fhir::element& resource, std::string_view full_url,
                                 bool draft, int depth);
  void read_patient(const fhir::element& r, std::string_view full_url);
  void read_medication(const fhir::element& r, std::string_view full_url);
  void read_med(const fhir::element& r, std::string_view type, std::string_view full_url,
                bool draft);
  void read_observation(const fhir::element& r);
  void read_pregnancy_value(const fhir::element& r, fhir::ObsRecord rec);
  void read_lab_value(const fhir::element& r, fhir::ObsRecord rec);
  void read_sleep_observation(const fhir::element& r);
  void read_sleep_answer(const fhir::element& r, fhir::SleepItem item, const std::string& label);
  void read_condition(const fhir::element& r);
  std::string condition_id(const fhir::Concept& code) const;

  // ---- medicines (medicines.cc) ----
  const fhir::MedicationInfo* find_medication(const fhir::MedRecord& rec) const;
  fhir::Part part_for_ingredient(long ingredient) const;
  std::optional<fhir::Resolved> resolve_codes(const fhir::Concept& code_concept) const;
  void map_medicine(const fhir::MedRecord& rec, FhirProfile& out);

  // ---- mapping (finish.cc, patient.cc, observations.cc, sleep.cc, conditions.cc) ----
  bool is_patient(const std::string& reference) const;
  std::optional<core::Error> map_patient(FhirProfile& out) const;
  void map_jurisdiction(FhirProfile& out) const;
  void map_medicines(FhirProfile& out);
  void map_labs(FhirProfile& out);
  void map_sleep_answers(FhirProfile& out);
  void map_conditions(FhirProfile& out);
  void note_what_was_not_used(FhirProfile& out) const;
  core::Result<FhirProfile> finish();
};

}  // namespace willis::codec
